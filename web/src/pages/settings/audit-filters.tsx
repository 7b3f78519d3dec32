import { Autocomplete, Group } from "@mantine/core";
import { TextFilter, TimeRangeFilter, useDebouncedFilter } from "../../components/text-filter.tsx";
import { AUDIT_ACTIONS, type AuditSearch, actionOf } from "./audit-search.ts";

/** Action and actor are debounced into the URL as they are typed; times apply at once. */
export function AuditFilters({
  search,
  onChange,
}: {
  search: AuditSearch;
  onChange(next: AuditSearch): void;
}) {
  const [action, onAction] = useDebouncedFilter(
    search.action,
    (next) => onChange({ ...search, action: next }),
    actionOf,
    300,
  );
  const badAction = action.trim() !== "" && actionOf(action) === undefined;
  return (
    <Group align="flex-start">
      <Autocomplete
        label="Action"
        placeholder="such as user.role, or secret. for all"
        data={[...AUDIT_ACTIONS]}
        value={action}
        onChange={onAction}
        error={badAction ? "Letters, dots and dashes, such as user.role" : undefined}
        miw={240}
      />
      <TextFilter
        label="Actor"
        placeholder="email"
        value={search.actor}
        onCommit={(actor) => onChange({ ...search, actor })}
        normalise={(text) => text.trim().toLowerCase() || undefined}
      />
      <TimeRangeFilter
        from={search.from}
        to={search.to}
        onChange={(range) => onChange({ ...search, ...range })}
      />
    </Group>
  );
}
