import type { RateLimitStore } from "./rate-limit-store.ts";

/** A run of failed sign-ins is forgotten this long after its first failure. */
const STREAK_MS = 86_400_000;

export interface LockoutPolicy {
  /** Failed sign-ins in a row that lock the email. */
  after: number;
  lockoutMs: number;
}

/**
 * Locks an email after a run of failed sign-ins. It counts emails, not accounts, so an
 * unknown email locks exactly like a known one and the lock reveals nothing about which
 * exist. A success ends the run; a lock, once set, lasts its time or until an admin lifts it.
 */
export class SignInLockout {
  readonly #store: RateLimitStore;
  readonly #policy: LockoutPolicy;

  constructor(store: RateLimitStore, policy: LockoutPolicy) {
    this.#store = store;
    this.#policy = policy;
  }

  /** When `email` is locked, the epoch milliseconds its lock ends. */
  async lockedUntil(email: string): Promise<number | undefined> {
    return (await this.#store.get(lockKey(email)))?.resetAt;
  }

  /**
   * Counts a try before its password is checked, so that tries sent at once cannot check more
   * passwords than the policy allows; false when the try must be refused as locked.
   */
  async beginAttempt(email: string): Promise<boolean> {
    if ((await this.lockedUntil(email)) !== undefined) return false;
    const streak = await this.#store.hit(streakKey(email), STREAK_MS);
    return streak.count <= this.#policy.after;
  }

  /** After a try begun with `beginAttempt` failed; true when the email is locked now. */
  async recordFailure(email: string): Promise<boolean> {
    const streak = await this.#store.get(streakKey(email));
    if ((streak?.count ?? 0) < this.#policy.after) return false;
    await this.#store.hit(lockKey(email), this.#policy.lockoutMs);
    // After the lock the email starts a new run with every try again.
    await this.#store.reset(streakKey(email));
    return true;
  }

  async recordSuccess(email: string): Promise<void> {
    await this.#store.reset(streakKey(email));
  }

  /** Lifts a lock and forgets the failures; true when the email was locked. */
  async unlock(email: string): Promise<boolean> {
    const wasLocked = (await this.lockedUntil(email)) !== undefined;
    await this.#store.reset(lockKey(email));
    await this.#store.reset(streakKey(email));
    return wasLocked;
  }
}

const normalise = (email: string) => email.trim().toLowerCase();
const streakKey = (email: string) => `sign-in-failures:${normalise(email)}`;
const lockKey = (email: string) => `sign-in-lock:${normalise(email)}`;
