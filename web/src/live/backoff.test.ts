import { describe, expect, it } from "vitest";
import { reconnectDelay } from "./backoff.ts";

const options = { baseMs: 500, capMs: 15_000 };

describe("reconnectDelay", () => {
  it("doubles from the base up to the cap", () => {
    const highest = [0, 1, 2, 3, 4, 5, 6, 10].map((n) => reconnectDelay(n, options, () => 1));
    expect(highest).toEqual([500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
  });

  it("spreads each wait over the upper half of its ceiling", () => {
    expect(reconnectDelay(2, options, () => 0)).toBe(1000);
    expect(reconnectDelay(2, options, () => 0.5)).toBe(1500);
    expect(reconnectDelay(20, options, () => 0)).toBe(7500);
  });
});
