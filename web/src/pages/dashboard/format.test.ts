import { describe, expect, it } from "vitest";
import { formatPercent, formatRelative } from "./format.ts";

describe("dashboard formats", () => {
  it("writes a time relative to now, future or past", () => {
    const now = Date.parse("2026-01-01T12:00:00Z");
    expect(formatRelative("2026-01-01T12:05:00Z", now)).toBe("in 5 minutes");
    expect(formatRelative("2026-01-01T09:00:00Z", now)).toBe("3 hours ago");
    expect(formatRelative("2026-01-03T12:00:00Z", now)).toBe("in 2 days");
    expect(formatRelative("2026-01-01T12:00:20Z", now)).toBe("in 20 seconds");
  });

  it("rounds a ratio to a tenth of a percent", () => {
    expect(formatPercent(2 / 3)).toBe("66.7%");
    expect(formatPercent(1)).toBe("100%");
  });
});
