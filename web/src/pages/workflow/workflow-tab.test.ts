import { describe, expect, it } from "vitest";
import { parseWorkflowPageSearch, searchForTab } from "./workflow-tab.ts";

describe("parseWorkflowPageSearch", () => {
  it("keeps a known tab and drops the default and anything else", () => {
    expect(parseWorkflowPageSearch({ tab: "triggers" })).toEqual({ tab: "triggers" });
    expect(parseWorkflowPageSearch({ tab: "graph" })).toEqual({});
    expect(parseWorkflowPageSearch({ tab: "Triggers" })).toEqual({});
    expect(parseWorkflowPageSearch({ tab: ["runs"] })).toEqual({});
    expect(parseWorkflowPageSearch({})).toEqual({});
  });

  it("turns a picked tab into the search that opens it", () => {
    expect(searchForTab("runs")).toEqual({ tab: "runs" });
    expect(searchForTab("graph")).toEqual({});
    expect(searchForTab(null)).toEqual({});
  });
});
