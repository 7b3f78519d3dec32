/** A wake-up: attempt `attemptId` may run from `availableAt` (epoch ms) on. */
export interface WakeUp {
  attemptId: string;
  availableAt: number;
}

export type AttemptHandler = (attemptId: string) => Promise<void>;

/**
 * Carries wake-ups to workers. The store is the truth: a queue may lose or repeat a
 * wake-up, and the sweeper dispatches again whatever the store says is still due.
 */
export interface Queue {
  dispatch(wakeUps: readonly WakeUp[]): void;
  /** Starts calling `handler` for due wake-ups, at most `concurrency` at a time. */
  start(handler: AttemptHandler): void;
  /** Stops taking wake-ups and waits up to `graceMs` for handlers under way. */
  stop(graceMs: number): Promise<void>;
  /** How many handlers are running now, and how many wake-ups wait. */
  stats(): { running: number; waiting: number };
}
