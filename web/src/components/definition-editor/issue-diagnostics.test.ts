import { Text } from "@codemirror/state";
import { describe, expect, it } from "vitest";
import { issueDiagnostics, offsetOf, unplacedIssues } from "./issue-diagnostics.ts";

const doc = Text.of(["name: demo", "steps:", "  - id: a", "    type: nope", ""]);

describe("offsetOf", () => {
  it("finds a 1-based line and column", () => {
    expect(offsetOf(doc, 1, 1)).toBe(0);
    expect(offsetOf(doc, 4, 11)).toBe(doc.line(4).from + 10);
    expect(doc.sliceString(offsetOf(doc, 4, 11), doc.line(4).to)).toBe("nope");
  });

  it("clamps lines and columns that the document no longer has", () => {
    expect(offsetOf(doc, 0, 1)).toBe(0);
    expect(offsetOf(doc, 99, 1)).toBe(doc.line(doc.lines).from);
    expect(offsetOf(doc, 2, 80)).toBe(doc.line(2).to);
  });
});

describe("issueDiagnostics", () => {
  it("marks exactly the value when the issue has an end", () => {
    const issue = {
      path: "steps[0].type",
      message: '"nope" is not a step type',
      ...{ line: 4, column: 11, endLine: 4, endColumn: 15 },
    };
    const [diagnostic] = issueDiagnostics(doc, [issue]);
    expect(doc.sliceString(diagnostic!.from, diagnostic!.to)).toBe("nope");
    expect(diagnostic).toMatchObject({
      severity: "error",
      message: 'steps[0].type: "nope" is not a step type',
    });
  });

  it("marks the whole line without an end, or when the end is not after the start", () => {
    const missing = { path: "steps[0].with", message: "Required", line: 3, column: 5 };
    const backwards = { ...missing, endLine: 3, endColumn: 2 };
    for (const issue of [missing, backwards]) {
      const [diagnostic] = issueDiagnostics(doc, [issue]);
      expect(doc.sliceString(diagnostic!.from, diagnostic!.to)).toBe("  - id: a");
    }
  });

  it("keeps a syntax error's message without its position-path", () => {
    const issue = {
      path: "line 2, column 1",
      message: "Sequence item without - indicator",
      ...{ line: 2, column: 1 },
    };
    expect(issueDiagnostics(doc, [issue])[0]!.message).toBe("Sequence item without - indicator");
  });

  it("leaves out issues without a line, which unplacedIssues lists instead", () => {
    const issues = [
      { path: "", message: "the definition nests deeper than 64 levels" },
      { path: "name", message: "Required", line: 1, column: 1 },
    ];
    expect(issueDiagnostics(doc, issues)).toHaveLength(1);
    expect(unplacedIssues(issues)).toEqual([issues[0]]);
  });

  it("places an issue past the end of a shortened document on its last line", () => {
    const [diagnostic] = issueDiagnostics(Text.of(["name: x"]), [
      { path: "steps", message: "Required", line: 9, column: 3 },
    ]);
    expect(diagnostic).toMatchObject({ from: 0, to: 7 });
  });
});
