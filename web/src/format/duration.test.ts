import { describe, expect, it } from "vitest";
import { formatDuration } from "./duration.ts";

describe("formatDuration", () => {
  it("uses the two largest units that fit", () => {
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(2460)).toBe("2.4 s");
    expect(formatDuration(185_000)).toBe("3 min 5 s");
    expect(formatDuration(2 * 3_600_000 + 7 * 60_000)).toBe("2 h 7 min");
    expect(formatDuration(3 * 86_400_000 + 5 * 3_600_000)).toBe("3 d 5 h");
  });

  it("cuts instead of rounding up into a unit that does not fit", () => {
    expect(formatDuration(59_999)).toBe("59.9 s");
    expect(formatDuration(3_599_999)).toBe("59 min 59 s");
    expect(formatDuration(119_600)).toBe("1 min 59 s");
  });
});
