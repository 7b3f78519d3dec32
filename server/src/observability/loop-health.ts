export type LoopStatus = "ok" | "stopped" | "failing" | "stalled";

/**
 * How a periodic loop (the sweeper, the scheduler) is doing, for `/readyz`: stopped, failing
 * three times in a row, or stalled (no tick has ended for ten intervals and at least 30s).
 */
export class LoopHealth {
  readonly #intervalMs: number;
  #running = false;
  #lastEndedAt = 0;
  #failures = 0;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  started(now = Date.now()): void {
    this.#running = true;
    this.#lastEndedAt = now;
    this.#failures = 0;
  }

  stopped(): void {
    this.#running = false;
  }

  ticked(ok: boolean, now = Date.now()): void {
    this.#lastEndedAt = now;
    this.#failures = ok ? 0 : this.#failures + 1;
  }

  status(now = Date.now()): LoopStatus {
    if (!this.#running) return "stopped";
    if (this.#failures >= 3) return "failing";
    if (now - this.#lastEndedAt > Math.max(30_000, this.#intervalMs * 10)) return "stalled";
    return "ok";
  }
}
