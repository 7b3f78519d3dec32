import { useDebouncedValue } from "@mantine/hooks";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { checkDefinition } from "./definition-api.ts";

/** How long typing must pause before the definition is checked. */
export const CHECK_DELAY_MS = 400;

/**
 * Checks `text` against the server as it is typed, once typing pauses. Answers are cached by
 * text, so undoing back to a checked text answers at once, and an answer that arrives late
 * for a text already replaced is never shown for the new one.
 */
export function useLiveCheck(text: string, enabled: boolean) {
  const [settled] = useDebouncedValue(text, CHECK_DELAY_MS);
  const query = useQuery({
    queryKey: ["definition-check", settled],
    queryFn: () => checkDefinition(settled),
    enabled: enabled && settled.trim() !== "",
    placeholderData: keepPreviousData,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 60_000,
    retry: false,
  });
  return {
    check: query.data,
    error: query.error,
    /** True while the shown answer is for an older text than the one in the editor. */
    checking: enabled && (settled !== text || query.isFetching),
  };
}
