import { describe, expect, it } from "vitest";
import { hasFilters, parseWorkflowSearch } from "./workflow-search.ts";

describe("parseWorkflowSearch", () => {
  it("keeps trimmed text filters and drops blanks and non-strings", () => {
    expect(parseWorkflowSearch({ q: "  night ", tag: "", other: "x" })).toEqual({ q: "night" });
    expect(parseWorkflowSearch({ q: 42, tag: ["a"] })).toEqual({});
    expect(parseWorkflowSearch({ tag: "reports" })).toEqual({ tag: "reports" });
  });

  it("caps a name search at the API's 100 characters", () => {
    expect(parseWorkflowSearch({ q: "a".repeat(150) }).q).toHaveLength(100);
  });

  it("knows when a filter is on", () => {
    expect(hasFilters({})).toBe(false);
    expect(hasFilters({ tag: "x" })).toBe(true);
  });
});
