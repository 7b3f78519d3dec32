import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createCoalescedRefresh } from "./coalesced-refresh.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A refresh whose reads end when the test says. */
function reads() {
  const pending: (() => void)[] = [];
  const refresh = vi.fn(() => new Promise<void>((resolve) => pending.push(resolve)));
  const finish = async () => {
    pending.shift()?.();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { refresh, finish };
}

describe("createCoalescedRefresh", () => {
  it("reads at once, then once more after a burst that came mid-read", async () => {
    const { refresh, finish } = reads();
    const coalesced = createCoalescedRefresh(refresh, 250);
    coalesced.request();
    await vi.advanceTimersByTimeAsync(0);
    expect(refresh).toHaveBeenCalledTimes(1);

    for (let i = 0; i < 20; i++) coalesced.request();
    await vi.advanceTimersByTimeAsync(1000);
    expect(refresh).toHaveBeenCalledTimes(1);

    await finish();
    expect(refresh).toHaveBeenCalledTimes(2);
    await finish();
    await vi.advanceTimersByTimeAsync(1000);
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it("leaves the gap between the starts of two reads", async () => {
    const { refresh, finish } = reads();
    const coalesced = createCoalescedRefresh(refresh, 250);
    coalesced.request();
    await vi.advanceTimersByTimeAsync(0);
    await finish();
    coalesced.request();
    await vi.advanceTimersByTimeAsync(200);
    expect(refresh).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it("keeps going after a failed read", async () => {
    const refresh = vi.fn(() => Promise.reject(new Error("offline")));
    const coalesced = createCoalescedRefresh(refresh, 250);
    coalesced.request();
    await vi.advanceTimersByTimeAsync(0);
    coalesced.request();
    await vi.advanceTimersByTimeAsync(250);
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it("starts nothing once cancelled", async () => {
    const { refresh, finish } = reads();
    const coalesced = createCoalescedRefresh(refresh, 250);
    coalesced.request();
    await vi.advanceTimersByTimeAsync(0);
    coalesced.request();
    coalesced.cancel();
    await finish();
    coalesced.request();
    await vi.advanceTimersByTimeAsync(1000);
    expect(refresh).toHaveBeenCalledTimes(1);
  });
});
