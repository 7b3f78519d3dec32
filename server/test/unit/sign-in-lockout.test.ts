import { describe, expect, it } from "vitest";
import { MemoryRateLimitStore } from "../../src/http/rate-limit/memory-rate-limit-store.ts";
import { SignInLockout } from "../../src/http/rate-limit/sign-in-lockout.ts";

/** The lockout policy over a real in-process store with a hand-moved clock. */

function lockout(after = 3, lockoutMs = 60_000) {
  const clock = { now: 5_000_000 };
  const store = new MemoryRateLimitStore({ now: () => clock.now });
  return { clock, lockout: new SignInLockout(store, { after, lockoutMs }) };
}

describe("SignInLockout", () => {
  it("locks an email after `after` failures in a row, for lockoutMs", async () => {
    const { clock, lockout: l } = lockout();
    expect(await l.recordFailure("a@example.test")).toBe(false);
    expect(await l.recordFailure("a@example.test")).toBe(false);
    expect(await l.lockedUntil("a@example.test")).toBeUndefined();
    expect(await l.recordFailure("a@example.test")).toBe(true);
    expect(await l.lockedUntil("a@example.test")).toBe(clock.now + 60_000);

    clock.now += 60_000;
    expect(await l.lockedUntil("a@example.test")).toBeUndefined();
  });

  it("treats an email the same whatever its case and spaces", async () => {
    const { lockout: l } = lockout(2);
    await l.recordFailure("Mixed@Example.Test");
    await l.recordFailure("  mixed@example.test ");
    expect(await l.lockedUntil("MIXED@example.test")).toBeDefined();
  });

  it("starts over after a success, and after a lock", async () => {
    const { clock, lockout: l } = lockout(2);
    await l.recordFailure("b@example.test");
    await l.recordSuccess("b@example.test");
    expect(await l.recordFailure("b@example.test")).toBe(false);

    expect(await l.recordFailure("b@example.test")).toBe(true);
    clock.now += 60_000;
    expect(await l.recordFailure("b@example.test")).toBe(false);
  });

  it("lifts a lock on unlock and says whether there was one", async () => {
    const { lockout: l } = lockout(1);
    await l.recordFailure("c@example.test");
    expect(await l.unlock("c@example.test")).toBe(true);
    expect(await l.lockedUntil("c@example.test")).toBeUndefined();
    expect(await l.unlock("c@example.test")).toBe(false);
  });
});
