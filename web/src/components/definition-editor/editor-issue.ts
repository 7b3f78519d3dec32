import type { Problem } from "../../api/api-error.ts";

/**
 * One validation issue as the API answers it: its path, its message and, for a definition
 * sent as text, where it starts (1-based line and column) and, for one value, where it ends.
 */
export type EditorIssue = NonNullable<Problem["issues"]>[number];

/** A syntax error's path is its position ("line 5, column 1"), which the line already says. */
const POSITION_PATH = /^line \d+, column \d+$/;

/** The issue as one sentence: `steps[1].type: "nope" is not a step type`. */
export function issueText(issue: EditorIssue): string {
  return issue.path && !POSITION_PATH.test(issue.path)
    ? `${issue.path}: ${issue.message}`
    : issue.message;
}

/** "Valid", "1 problem", "3 problems". */
export function issueSummary(issues: readonly EditorIssue[]): string {
  if (issues.length === 0) return "Valid";
  return issues.length === 1 ? "1 problem" : `${issues.length} problems`;
}
