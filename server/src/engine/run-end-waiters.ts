import type { EventBus } from "../events/event-bus.ts";
import type { RunStatus } from "../store/schema.ts";

const ENDINGS: Readonly<Record<string, RunStatus>> = {
  "run:succeeded": "succeeded",
  "run:failed": "failed",
  "run:cancelled": "cancelled",
};

/**
 * Those waiting for runs to end, by run id, behind one bus listener: a thousand webhook
 * callers waiting for their runs cost one map lookup per event, not a thousand listeners.
 */
export class RunEndWaiters {
  readonly #waiting = new Map<string, Set<(status: RunStatus) => void>>();

  constructor(bus: EventBus) {
    bus.subscribe((event) => {
      const status = ENDINGS[event.type];
      const waiters = status && this.#waiting.get(event.runId);
      if (!waiters) return;
      this.#waiting.delete(event.runId);
      for (const waiter of waiters) waiter(status);
    });
  }

  /**
   * Resolves with the run's status when it ends, or undefined after `timeoutMs`. `current`
   * reads the stored status, for a run that ended before the wait began.
   */
  wait(runId: string, timeoutMs: number, current: () => Promise<RunStatus | undefined>) {
    return new Promise<RunStatus | undefined>((resolve) => {
      let settled = false;
      const finish = (status: RunStatus | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#waiting.get(runId)?.delete(finish);
        if (this.#waiting.get(runId)?.size === 0) this.#waiting.delete(runId);
        resolve(status);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      const waiters = this.#waiting.get(runId) ?? new Set();
      waiters.add(finish);
      this.#waiting.set(runId, waiters);
      current().then(
        (status) => status && ENDED.has(status) && finish(status),
        () => undefined,
      );
    });
  }
}

const ENDED: ReadonlySet<RunStatus> = new Set(Object.values(ENDINGS));
