import { describe, expect, it } from "vitest";
import { issueSummary, issueText } from "./editor-issue.ts";

describe("issueText", () => {
  it("names the path before the message", () => {
    expect(issueText({ path: "triggers[0].cron", message: "bad cron" })).toBe(
      "triggers[0].cron: bad cron",
    );
  });

  it("leaves out an empty path and a path that is only a position", () => {
    expect(issueText({ path: "", message: "invalid YAML" })).toBe("invalid YAML");
    expect(issueText({ path: "line 3, column 1", message: "Map keys must be unique" })).toBe(
      "Map keys must be unique",
    );
  });
});

describe("issueSummary", () => {
  it("says Valid, or counts the problems", () => {
    const one = { path: "name", message: "Required" };
    expect(issueSummary([])).toBe("Valid");
    expect(issueSummary([one])).toBe("1 problem");
    expect(issueSummary([one, one, one])).toBe("3 problems");
  });
});
