/** A fixed window's counter: `count` hits since it opened, and when it closes. */
export interface WindowCount {
  count: number;
  /** Epoch milliseconds. */
  resetAt: number;
}

/**
 * Where rate limit and lockout counters live. Each key is a fixed window that opens at its
 * first hit and closes `windowMs` later; a closed window is forgotten.
 *
 * The in-process store serves one process. With several `weft serve` behind a proxy the
 * counters must be shared, so a Redis store will take its place; that is why every method is
 * async. Each maps onto one atomic Redis step:
 * - `hit`: `INCR key` then `PEXPIRE key windowMs NX` (in one MULTI or script); `PTTL` gives
 *   `resetAt`.
 * - `get`: `GET key` and `PTTL key`.
 * - `reset`: `DEL key`.
 */
export interface RateLimitStore {
  /** Counts one hit on `key`, opening a window of `windowMs` when none is open. */
  hit(key: string, windowMs: number): Promise<WindowCount>;
  /** The open window of `key`, without counting; undefined when none is open. */
  get(key: string): Promise<WindowCount | undefined>;
  /** Forgets `key`'s window. */
  reset(key: string): Promise<void>;
}
