import { describe, expect, it } from "vitest";
import { durationText, zonedInstantText } from "./time-text.ts";

describe("durationText", () => {
  it("picks the unit by size", () => {
    expect(durationText(340)).toBe("340 ms");
    expect(durationText(4_249)).toBe("4.2 s");
    expect(durationText(185_000)).toBe("3 min 5 s");
    expect(durationText(7_800_000)).toBe("2 h 10 min");
  });
});

describe("zonedInstantText", () => {
  it("shows the wall clock of the schedule's zone, not the browser's", () => {
    const text = zonedInstantText("2026-03-09T08:00:00.000Z", "Europe/Berlin");
    expect(text).toContain("09:00");
    const utc = zonedInstantText("2026-03-09T08:00:00.000Z", "UTC");
    expect(utc).toContain("08:00");
  });
});
