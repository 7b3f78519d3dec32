import { TextInput, type TextInputProps } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { useEffect, useState } from "react";
import { isoToLocalInput, localInputToIso } from "../format/local-time.ts";

/** The filter a text stands for: trimmed, and none when blank. */
const trimmed = (text: string) => {
  const value = text.trim();
  return value === "" ? undefined : value;
};

/**
 * A text field whose filter reaches the URL `delayMs` after typing stops. A filter changed
 * from outside (cleared, picked in a table, a pasted URL) shows in the field, but the URL's
 * normalised copy of what is being typed never overwrites the typing.
 */
export function useDebouncedFilter(
  value: string | undefined,
  commit: (value: string | undefined) => void,
  normalise: (text: string) => string | undefined = trimmed,
  delayMs = 250,
): [text: string, onType: (text: string) => void] {
  const [text, setText] = useState(value ?? "");
  const debounced = useDebouncedCallback((typed: string) => commit(normalise(typed)), delayMs);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a new URL value resets the field
  useEffect(() => {
    setText((current) => ((normalise(current) ?? "") === (value ?? "") ? current : (value ?? "")));
  }, [value]);
  return [
    text,
    (typed) => {
      setText(typed);
      debounced(typed);
    },
  ];
}

/** A labelled text filter, debounced into the URL (see useDebouncedFilter). */
export function TextFilter({
  value,
  onCommit,
  normalise,
  ...input
}: Omit<TextInputProps, "value" | "onChange"> & {
  value: string | undefined;
  onCommit(value: string | undefined): void;
  normalise?: (text: string) => string | undefined;
}) {
  const [text, onType] = useDebouncedFilter(value, onCommit, normalise);
  return (
    <TextInput {...input} value={text} onChange={(event) => onType(event.currentTarget.value)} />
  );
}

/** From and To as local date-times in the browser's zone, kept in the URL as ISO instants. */
export function TimeRangeFilter({
  from,
  to,
  onChange,
}: {
  from: string | undefined;
  to: string | undefined;
  onChange(range: { from: string | undefined; to: string | undefined }): void;
}) {
  return (
    <>
      <TextInput
        label="From"
        type="datetime-local"
        value={isoToLocalInput(from)}
        onChange={(event) => onChange({ from: localInputToIso(event.currentTarget.value), to })}
      />
      <TextInput
        label="To"
        type="datetime-local"
        value={isoToLocalInput(to)}
        onChange={(event) => onChange({ from, to: localInputToIso(event.currentTarget.value) })}
      />
    </>
  );
}
