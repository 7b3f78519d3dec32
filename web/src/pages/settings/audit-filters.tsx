import { Autocomplete, Group, TextInput } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { useEffect, useState } from "react";
import { isoToLocalInput, localInputToIso } from "../runs/run-search.ts";
import { AUDIT_ACTIONS, type AuditSearch, actionOf } from "./audit-search.ts";

/** Action and actor are debounced into the URL as they are typed; times apply at once. */
export function AuditFilters({
  search,
  onChange,
}: {
  search: AuditSearch;
  onChange(next: AuditSearch): void;
}) {
  const [action, setAction] = useState(search.action ?? "");
  const [actor, setActor] = useState(search.actor ?? "");
  const apply = useDebouncedCallback((next: { action: string; actor: string }) => {
    const a = actionOf(next.action);
    const who = next.actor.trim().toLowerCase();
    onChange({ ...search, action: a, actor: who === "" ? undefined : who });
  }, 300);

  // A cleared filter or a pasted URL shows in the fields; the URL's copy of what is being
  // typed does not overwrite it.
  useEffect(() => {
    setAction((current) =>
      (actionOf(current) ?? "") === (search.action ?? "") ? current : (search.action ?? ""),
    );
  }, [search.action]);
  useEffect(() => {
    setActor((current) =>
      current.trim().toLowerCase() === (search.actor ?? "") ? current : (search.actor ?? ""),
    );
  }, [search.actor]);

  const badAction = action.trim() !== "" && actionOf(action) === undefined;
  return (
    <Group align="flex-start">
      <Autocomplete
        label="Action"
        placeholder="such as user.role, or secret. for all"
        data={[...AUDIT_ACTIONS]}
        value={action}
        onChange={(value) => {
          setAction(value);
          apply({ action: value, actor });
        }}
        error={badAction ? "Letters, dots and dashes, such as user.role" : undefined}
        miw={240}
      />
      <TextInput
        label="Actor"
        placeholder="email"
        value={actor}
        onChange={(event) => {
          setActor(event.currentTarget.value);
          apply({ action, actor: event.currentTarget.value });
        }}
      />
      <TextInput
        label="From"
        type="datetime-local"
        value={isoToLocalInput(search.from)}
        onChange={(event) =>
          onChange({ ...search, from: localInputToIso(event.currentTarget.value) })
        }
      />
      <TextInput
        label="To"
        type="datetime-local"
        value={isoToLocalInput(search.to)}
        onChange={(event) =>
          onChange({ ...search, to: localInputToIso(event.currentTarget.value) })
        }
      />
    </Group>
  );
}
