import { describe, expect, it } from "vitest";
import { zonedInstantText } from "./time-text.ts";

describe("zonedInstantText", () => {
  it("shows the wall clock of the schedule's zone, not the browser's", () => {
    const text = zonedInstantText("2026-03-09T08:00:00.000Z", "Europe/Berlin");
    expect(text).toContain("09:00");
    const utc = zonedInstantText("2026-03-09T08:00:00.000Z", "UTC");
    expect(utc).toContain("08:00");
  });
});
