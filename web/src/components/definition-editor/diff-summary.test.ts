import { Text } from "@codemirror/state";
import { describe, expect, it } from "vitest";
import { countChangedLines, diffSummary } from "./diff-summary.ts";

const doc = (...lines: string[]) => Text.of(lines);

describe("countChangedLines", () => {
  it("counts nothing for equal texts", () => {
    expect(countChangedLines(doc("a", "b"), doc("a", "b"))).toEqual({ removed: 0, added: 0 });
  });

  it("counts a changed line as one removed and one added", () => {
    const before = doc("name: x", "  message: hi", "tags: []");
    const after = doc("name: x", "  message: hello", "tags: []");
    expect(countChangedLines(before, after)).toEqual({ removed: 1, added: 1 });
  });

  it("counts lines only added, blank ones included, and lines only removed", () => {
    expect(countChangedLines(doc("a", "c"), doc("a", "b", "", "c"))).toEqual({
      removed: 0,
      added: 2,
    });
    expect(countChangedLines(doc("a", "b", "c", "d"), doc("a", "d"))).toEqual({
      removed: 2,
      added: 0,
    });
  });
});

describe("diffSummary", () => {
  it("says what changed in words", () => {
    expect(diffSummary({ removed: 0, added: 0 })).toBe("No differences");
    expect(diffSummary({ removed: 0, added: 1 })).toBe("1 line added");
    expect(diffSummary({ removed: 3, added: 0 })).toBe("3 lines removed");
    expect(diffSummary({ removed: 1, added: 2 })).toBe("1 line removed, 2 added");
  });
});
