import { describe, expect, it } from "vitest";
import { MemoryRateLimitStore } from "../../src/http/rate-limit/memory-rate-limit-store.ts";
import { SignInLockout } from "../../src/http/rate-limit/sign-in-lockout.ts";

/** The lockout policy over a real in-process store with a hand-moved clock. */

function lockout(after = 3, lockoutMs = 60_000) {
  const clock = { now: 5_000_000 };
  const store = new MemoryRateLimitStore({ now: () => clock.now });
  return { clock, lockout: new SignInLockout(store, { after, lockoutMs }) };
}

/** One checked try that fails, as a sign-in makes it. */
async function fail(l: SignInLockout, email: string): Promise<boolean> {
  await l.beginAttempt(email);
  return l.recordFailure(email);
}

describe("SignInLockout", () => {
  it("lets no more tries check a password than the policy allows, even all at once", async () => {
    const { lockout: l } = lockout(5);
    const begun = await Promise.all(
      Array.from({ length: 41 }, () => l.beginAttempt("race@example.test")),
    );
    expect(begun.filter(Boolean)).toHaveLength(5);
    expect(await l.recordFailure("race@example.test")).toBe(true);
    expect(await l.beginAttempt("race@example.test")).toBe(false);
  });

  it("locks an email after `after` failures in a row, for lockoutMs", async () => {
    const { clock, lockout: l } = lockout();
    expect(await fail(l, "a@example.test")).toBe(false);
    expect(await fail(l, "a@example.test")).toBe(false);
    expect(await l.lockedUntil("a@example.test")).toBeUndefined();
    expect(await fail(l, "a@example.test")).toBe(true);
    expect(await l.lockedUntil("a@example.test")).toBe(clock.now + 60_000);

    clock.now += 60_000;
    expect(await l.lockedUntil("a@example.test")).toBeUndefined();
  });

  it("treats an email the same whatever its case and spaces", async () => {
    const { lockout: l } = lockout(2);
    await fail(l, "Mixed@Example.Test");
    await fail(l, "  mixed@example.test ");
    expect(await l.lockedUntil("MIXED@example.test")).toBeDefined();
  });

  it("starts over after a success, and after a lock", async () => {
    const { clock, lockout: l } = lockout(2);
    await fail(l, "b@example.test");
    await l.recordSuccess("b@example.test");
    expect(await fail(l, "b@example.test")).toBe(false);

    expect(await fail(l, "b@example.test")).toBe(true);
    clock.now += 60_000;
    expect(await fail(l, "b@example.test")).toBe(false);
  });

  it("lifts a lock on unlock and says whether there was one", async () => {
    const { lockout: l } = lockout(1);
    await fail(l, "c@example.test");
    expect(await l.unlock("c@example.test")).toBe(true);
    expect(await l.lockedUntil("c@example.test")).toBeUndefined();
    expect(await l.unlock("c@example.test")).toBe(false);
  });
});
