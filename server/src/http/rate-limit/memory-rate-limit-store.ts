import type { RateLimitStore, WindowCount } from "./rate-limit-store.ts";

export interface MemoryRateLimitStoreOptions {
  /** Most keys held at once; past it the oldest windows are dropped first. */
  maxKeys?: number;
  /** How often a hit also sweeps out every closed window. */
  sweepEveryMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

/**
 * Counters in this process's memory, for the embedded mode. Memory stays bounded: closed
 * windows are swept out as hits arrive, and past `maxKeys` the oldest windows go first, so a
 * flood of new keys can push out old ones early (which is why locks keep a store apart).
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly #windows = new Map<string, WindowCount>();
  readonly #maxKeys: number;
  readonly #sweepEveryMs: number;
  readonly #now: () => number;
  #lastSweep: number;

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#sweepEveryMs = options.sweepEveryMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    this.#lastSweep = this.#now();
  }

  /** How many keys are held, closed windows not yet swept included. */
  get size(): number {
    return this.#windows.size;
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = this.#now();
    if (now - this.#lastSweep >= this.#sweepEveryMs) this.sweep(now);

    let window = this.#open(key, now);
    if (!window) {
      window = { count: 0, resetAt: now + windowMs };
      this.#windows.set(key, window);
      this.#evictOverflow(now);
    }
    window.count += 1;
    return { ...window };
  }

  async get(key: string): Promise<WindowCount | undefined> {
    const window = this.#open(key, this.#now());
    return window && { ...window };
  }

  async reset(key: string): Promise<void> {
    this.#windows.delete(key);
  }

  /** Drops every closed window; returns how many. */
  sweep(now = this.#now()): number {
    this.#lastSweep = now;
    let dropped = 0;
    for (const [key, window] of this.#windows) {
      if (window.resetAt > now) continue;
      this.#windows.delete(key);
      dropped += 1;
    }
    return dropped;
  }

  #open(key: string, now: number): WindowCount | undefined {
    const window = this.#windows.get(key);
    if (!window || window.resetAt > now) return window;
    this.#windows.delete(key);
    return undefined;
  }

  /** A Map iterates in insertion order, and a reopened window is inserted anew: oldest first. */
  #evictOverflow(now: number): void {
    if (this.#windows.size <= this.#maxKeys) return;
    this.sweep(now);
    for (const key of this.#windows.keys()) {
      if (this.#windows.size <= this.#maxKeys) break;
      this.#windows.delete(key);
    }
  }
}
