import { describe, expect, it } from "vitest";
import type { RetryPolicy } from "../../src/engine/definition.ts";
import { retryDelayMs, shouldRetry } from "../../src/engine/retry.ts";

const policy = (overrides: Partial<RetryPolicy>): RetryPolicy => ({
  attempts: 5,
  backoff: "exponential",
  initialDelay: "1s",
  maxDelay: "1m",
  jitter: false,
  ...overrides,
});

describe("retryDelayMs", () => {
  it("doubles from initialDelay and stops at maxDelay", () => {
    const p = policy({ initialDelay: "1s", maxDelay: "10s" });
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(p, n))).toEqual([
      1000, 2000, 4000, 8000, 10000, 10000,
    ]);
  });

  it("waits the same with fixed backoff", () => {
    const p = policy({ backoff: "fixed", initialDelay: "250ms" });
    expect([1, 2, 9].map((n) => retryDelayMs(p, n))).toEqual([250, 250, 250]);
  });

  it("spreads jittered waits over the upper half of the delay", () => {
    const p = policy({ jitter: true, initialDelay: "1s", maxDelay: "1m" });
    expect(retryDelayMs(p, 3, () => 0)).toBe(2000);
    expect(retryDelayMs(p, 3, () => 0.5)).toBe(3000);
    expect(retryDelayMs(p, 3, () => 0.999999)).toBe(4000);
  });

  it("never passes maxDelay, even after many attempts", () => {
    const p = policy({ jitter: true, initialDelay: "1s", maxDelay: "30s" });
    expect(retryDelayMs(p, 1000, () => 0.999999)).toBe(30000);
  });
});

describe("shouldRetry", () => {
  const retryable = { kind: "http-status", message: "503", retryable: true };
  const permanent = { kind: "http-status", message: "404", retryable: false };

  it("retries what the step type calls retryable, while attempts remain", () => {
    const p = policy({ attempts: 3 });
    expect(shouldRetry(p, retryable, 1)).toBe(true);
    expect(shouldRetry(p, retryable, 2)).toBe(true);
    expect(shouldRetry(p, retryable, 3)).toBe(false);
    expect(shouldRetry(p, permanent, 1)).toBe(false);
  });

  it("retries by kind when retryOn is given, whatever the step type says", () => {
    const p = policy({ attempts: 3, retryOn: ["http-status"] });
    expect(shouldRetry(p, permanent, 1)).toBe(true);
    expect(shouldRetry(p, { kind: "timeout", message: "", retryable: true }, 1)).toBe(false);
  });
});
