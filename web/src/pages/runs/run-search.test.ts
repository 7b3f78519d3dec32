import { describe, expect, it } from "vitest";
import { hasRunFilters, parseRunSearch, runExportHref, runFilterParams } from "./run-search.ts";

describe("parseRunSearch", () => {
  it("keeps known statuses in a fixed order and drops unknown ones", () => {
    expect(parseRunSearch({ status: "failed, queued,bogus" })).toEqual({ status: "queued,failed" });
    expect(parseRunSearch({ status: ["running", "x"] })).toEqual({ status: "running" });
    expect(parseRunSearch({ status: "nope" })).toEqual({});
  });

  it("keeps a trimmed workflow and only the API's trigger types", () => {
    expect(parseRunSearch({ workflow: "  hello ", trigger: "webhook" })).toEqual({
      workflow: "hello",
      trigger: "webhook",
    });
    expect(parseRunSearch({ workflow: "", trigger: "cron" })).toEqual({});
    expect(parseRunSearch({ workflow: 7, trigger: ["manual"] })).toEqual({});
  });

  it("keeps a trimmed tag and error text of at most 200 characters, and drops blank ones", () => {
    expect(parseRunSearch({ tag: " nightly ", error: "  timed out " })).toEqual({
      tag: "nightly",
      error: "timed out",
    });
    expect(parseRunSearch({ tag: "  ", error: "" })).toEqual({});
    expect(parseRunSearch({ error: "x".repeat(300) }).error).toHaveLength(200);
  });

  it("keeps instants with a zone, normalised, and drops the rest", () => {
    expect(
      parseRunSearch({ from: "2026-12-01T10:00:00+01:00", to: "2026-12-02T00:00:00Z" }),
    ).toEqual({ from: "2026-12-01T09:00:00.000Z", to: "2026-12-02T00:00:00.000Z" });
    expect(parseRunSearch({ from: "2026-12-01T10:00", to: "yesterday" })).toEqual({});
  });
});

describe("filters to the API", () => {
  const search = parseRunSearch({
    status: "failed,succeeded",
    workflow: "nightly report",
    trigger: "manual",
    tag: "reports",
    error: "50% done",
    from: "2026-12-01T00:00:00Z",
  });

  it("passes every filter as the API's query parameter", () => {
    expect(runFilterParams(search)).toEqual({
      status: "succeeded,failed",
      workflow: "nightly report",
      trigger: "manual",
      tag: "reports",
      error: "50% done",
      from: "2026-12-01T00:00:00.000Z",
    });
    expect(runFilterParams({})).toEqual({});
  });

  it("builds the export link with the same filters", () => {
    const href = runExportHref(search, "csv");
    expect(href.startsWith("/api/v1/runs/export?")).toBe(true);
    const query = new URLSearchParams(href.split("?")[1]);
    expect(Object.fromEntries(query)).toEqual({ format: "csv", ...runFilterParams(search) });
    expect(runExportHref({}, "json")).toBe("/api/v1/runs/export?format=json");
  });

  it("knows when a filter is on", () => {
    expect(hasRunFilters({})).toBe(false);
    expect(hasRunFilters({ trigger: "schedule" })).toBe(true);
  });
});
