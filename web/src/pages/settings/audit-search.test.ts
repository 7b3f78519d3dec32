import { describe, expect, it } from "vitest";
import {
  actionOf,
  auditFilterParams,
  detailsSummary,
  hasAuditFilters,
  parseAuditSearch,
} from "./audit-search.ts";

describe("parseAuditSearch", () => {
  it("keeps an action, a prefix, an actor and zoned instants", () => {
    expect(
      parseAuditSearch({
        action: " secret. ",
        actor: " Ada@Example.TEST ",
        from: "2026-12-01T10:00:00+01:00",
        to: "2026-12-02T00:00:00Z",
      }),
    ).toEqual({
      action: "secret.",
      actor: "ada@example.test",
      from: "2026-12-01T09:00:00.000Z",
      to: "2026-12-02T00:00:00.000Z",
    });
  });

  it("drops what the API would refuse: odd actions, blanks, bare or bad times", () => {
    expect(
      parseAuditSearch({
        action: "user role; drop",
        actor: "   ",
        from: "2026-12-01T10:00",
        to: "yesterday",
      }),
    ).toEqual({});
    expect(parseAuditSearch({ action: 3, actor: ["a"] })).toEqual({});
    expect(parseAuditSearch({ action: "a".repeat(101) })).toEqual({});
  });
});

describe("actionOf", () => {
  it("lower-cases what is typed and refuses wildcards", () => {
    expect(actionOf("User.Role")).toBe("user.role");
    expect(actionOf("user.%")).toBeUndefined();
    expect(actionOf("")).toBeUndefined();
  });
});

describe("auditFilterParams", () => {
  it("names the time range as the API does, since and until", () => {
    expect(
      auditFilterParams({
        action: "user.",
        from: "2026-12-01T00:00:00.000Z",
        to: "2026-12-02T00:00:00.000Z",
      }),
    ).toEqual({
      action: "user.",
      since: "2026-12-01T00:00:00.000Z",
      until: "2026-12-02T00:00:00.000Z",
    });
    expect(auditFilterParams({})).toEqual({});
  });

  it("round-trips through the URL parser", () => {
    const search = { action: "user.role", actor: "ada@example.test" };
    expect(parseAuditSearch(search)).toEqual(search);
    expect(hasAuditFilters(search)).toBe(true);
    expect(hasAuditFilters({})).toBe(false);
  });
});

describe("detailsSummary", () => {
  it("lists the facts in one line, nested ones as JSON", () => {
    expect(detailsSummary({ from: "editor", to: "viewer" })).toBe("from=editor, to=viewer");
    expect(detailsSummary({ role: "viewer", setup: true, at: null })).toBe(
      "role=viewer, setup=true, at=null",
    );
    expect(detailsSummary({ names: ["A", "B"] })).toBe('names=["A","B"]');
    expect(detailsSummary(null)).toBe("");
  });
});
