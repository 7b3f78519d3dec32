import { describe, expect, it } from "vitest";
import { MemoryRateLimitStore } from "../../src/http/rate-limit/memory-rate-limit-store.ts";

/** The in-process counters: fixed windows that close, and memory that stays bounded. */

function clockedStore(options: { maxKeys?: number; sweepEveryMs?: number } = {}) {
  const clock = { now: 1_000_000 };
  const store = new MemoryRateLimitStore({ ...options, now: () => clock.now });
  return { clock, store };
}

describe("MemoryRateLimitStore", () => {
  it("counts hits in a window that closes windowMs after its first hit", async () => {
    const { clock, store } = clockedStore();
    expect(await store.hit("a", 60_000)).toEqual({ count: 1, resetAt: 1_060_000 });
    clock.now += 59_999;
    expect(await store.hit("a", 60_000)).toEqual({ count: 2, resetAt: 1_060_000 });

    clock.now += 1;
    expect(await store.hit("a", 60_000)).toEqual({ count: 1, resetAt: 1_120_000 });
  });

  it("keeps keys apart, reads without counting, and forgets on reset", async () => {
    const { store } = clockedStore();
    await store.hit("a", 1000);
    await store.hit("a", 1000);
    await store.hit("b", 1000);
    expect(await store.get("a")).toEqual({ count: 2, resetAt: 1_001_000 });
    expect(await store.get("a")).toEqual({ count: 2, resetAt: 1_001_000 });
    expect(await store.get("missing")).toBeUndefined();

    await store.reset("a");
    expect(await store.get("a")).toBeUndefined();
    expect(await store.get("b")).toMatchObject({ count: 1 });
  });

  it("drops closed windows when swept", async () => {
    const { clock, store } = clockedStore();
    for (let i = 0; i < 50; i += 1) await store.hit(`short-${i}`, 1000);
    await store.hit("long", 10_000);
    expect(store.size).toBe(51);

    clock.now += 1000;
    expect(store.sweep()).toBe(50);
    expect(store.size).toBe(1);
    expect(await store.get("long")).toMatchObject({ count: 1 });
  });

  it("sweeps by itself on a hit once sweepEveryMs has passed", async () => {
    const { clock, store } = clockedStore({ sweepEveryMs: 5000 });
    for (let i = 0; i < 20; i += 1) await store.hit(`k-${i}`, 1000);
    clock.now += 2000;
    await store.hit("fresh", 1000);
    expect(store.size).toBe(21);

    clock.now += 3000;
    await store.hit("fresh", 1000);
    expect(store.size).toBe(1);
  });

  it("never holds more than maxKeys, dropping the oldest window first", async () => {
    const { clock, store } = clockedStore({ maxKeys: 3 });
    for (const key of ["a", "b", "c"]) {
      await store.hit(key, 60_000);
      clock.now += 1;
    }
    await store.hit("d", 60_000);
    expect(store.size).toBe(3);
    expect(await store.get("a")).toBeUndefined();
    expect(await store.get("b")).toMatchObject({ count: 1 });
    expect(await store.get("d")).toMatchObject({ count: 1 });
  });
});
