import type { Diagnostic } from "@codemirror/lint";
import type { Text } from "@codemirror/state";
import { type EditorIssue, issueText } from "./editor-issue.ts";

/**
 * How the server's issues become CodeMirror lint diagnostics. Positions are 1-based lines and
 * columns into the text that was checked; the document may have changed since (the user kept
 * typing), so every position is clamped into the current one instead of trusted.
 */

/** The offset of a 1-based line and column, clamped into `doc` (a column past the end: its end). */
export function offsetOf(doc: Text, line: number, column = 1): number {
  const at = doc.line(clamp(line, 1, doc.lines));
  return at.from + clamp(column - 1, 0, at.length);
}

/**
 * The diagnostics for the issues that have a line: the span from start to end when the issue
 * has one on the same or a later position, else the whole line.
 */
export function issueDiagnostics(doc: Text, issues: readonly EditorIssue[]): Diagnostic[] {
  return issues.flatMap((issue) => {
    if (issue.line === undefined) return [];
    const line = doc.line(clamp(issue.line, 1, doc.lines));
    const { from, to } = spanOf(doc, issue, line);
    return [{ from, to, severity: "error" as const, message: issueText(issue), source: "Weft" }];
  });
}

/** The issues no line can show: listed beside the editor instead. */
export function unplacedIssues(issues: readonly EditorIssue[]): EditorIssue[] {
  return issues.filter((issue) => issue.line === undefined);
}

function spanOf(
  doc: Text,
  issue: EditorIssue,
  line: { from: number; to: number },
): { from: number; to: number } {
  if (issue.column === undefined || issue.endLine === undefined) return line;
  const from = offsetOf(doc, issue.line!, issue.column);
  const to = offsetOf(doc, issue.endLine, issue.endColumn);
  return to > from ? { from, to } : line;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
