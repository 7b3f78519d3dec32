import { describe, expect, it } from "vitest";
import { isoToLocalInput, localInputToIso } from "./local-time.ts";

describe("datetime fields", () => {
  it("turn a local time into an instant and back", () => {
    const iso = localInputToIso("2026-12-01T10:30");
    expect(iso).toBe(new Date(2026, 11, 1, 10, 30).toISOString());
    expect(isoToLocalInput(iso)).toBe("2026-12-01T10:30");
  });

  it("leave blanks and nonsense empty", () => {
    expect(localInputToIso("")).toBeUndefined();
    expect(localInputToIso("not a time")).toBeUndefined();
    expect(isoToLocalInput(undefined)).toBe("");
    expect(isoToLocalInput("garbage")).toBe("");
  });
});
