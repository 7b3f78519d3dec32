import { describe, expect, it } from "vitest";
import { newId } from "../../src/store/ids.ts";

describe("newId", () => {
  it("makes UUIDv7 ids that sort in creation order, even within one millisecond", () => {
    const ids = Array.from({ length: 5000 }, () => newId(1_800_000_000_000));
    expect(new Set(ids).size).toBe(5000);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("carries its creation time in the first 48 bits", () => {
    const id = newId(Date.UTC(2030, 0, 1));
    const ms = Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(Date.UTC(2030, 0, 1));
  });

  it("never goes backwards when the clock does", () => {
    const later = newId(Date.UTC(2031, 0, 1));
    const earlier = newId(Date.UTC(2029, 0, 1));
    expect(earlier > later).toBe(true);
  });
});
