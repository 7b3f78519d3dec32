/** What the Run dialog's field holds: the input to send, or why it cannot be sent. */
export type ParsedRunInput = { ok: true; input: unknown } | { ok: false; message: string };

/**
 * Reads the Run dialog's JSON. A blank field means no input (the run's `trigger.input` is
 * null, as the API makes it when none is sent); anything else must be one JSON value, and
 * the parser's own message says where it is not.
 */
export function parseRunInput(text: string): ParsedRunInput {
  if (text.trim() === "") return { ok: true, input: null };
  try {
    return { ok: true, input: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
