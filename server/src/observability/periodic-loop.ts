export type LoopStatus = "ok" | "stopped" | "failing" | "stalled";

export interface PeriodicLoopOptions {
  intervalMs: number;
  /** One pass; the next starts `intervalMs` after it settles, so passes never overlap. */
  tick: () => Promise<unknown>;
  onError: (error: unknown) => void;
  now?: () => number;
}

/**
 * Runs a background chore (the sweeper, the scheduler, pruning) and says how it is doing,
 * for `/readyz`: stopped, failing three times in a row, or stalled (no pass has ended for
 * ten intervals and at least 30s, as when a pass hangs on a locked store).
 */
export class PeriodicLoop {
  readonly #o: PeriodicLoopOptions;
  #timer: NodeJS.Timeout | undefined;
  #pass: Promise<void> | undefined;
  #running = false;
  #lastEndedAt = 0;
  #failures = 0;

  constructor(options: PeriodicLoopOptions) {
    this.#o = options;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#lastEndedAt = this.#now();
    this.#failures = 0;
    const loop = () => {
      this.#pass = this.#o
        .tick()
        .then(
          () => this.recordPass(true),
          (error) => {
            this.recordPass(false);
            this.#o.onError(error);
          },
        )
        .finally(() => {
          // A stop() during this pass has already cleared the timer: do not arm a new one.
          if (!this.#running) return;
          this.#timer = setTimeout(loop, this.#o.intervalMs);
          this.#timer.unref();
        });
    };
    loop();
  }

  /** Stops arming passes and waits for the one under way. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#pass;
  }

  /** Counts a pass; the loop calls it, and tests with a clock of their own. */
  recordPass(ok: boolean): void {
    this.#lastEndedAt = this.#now();
    this.#failures = ok ? 0 : this.#failures + 1;
  }

  status(): LoopStatus {
    if (!this.#running) return "stopped";
    if (this.#failures >= 3) return "failing";
    const stallMs = Math.max(30_000, this.#o.intervalMs * 10);
    if (this.#now() - this.#lastEndedAt > stallMs) return "stalled";
    return "ok";
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }
}
