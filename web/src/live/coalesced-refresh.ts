/** A refresh that many triggers share: see createCoalescedRefresh. */
export interface CoalescedRefresh {
  /** Asks for a refresh: now if none is running, else once more after the running one. */
  request(): void;
  /** Drops any refresh still waiting; a running one finishes but none follows it. */
  cancel(): void;
}

/**
 * Coalesces bursts of requests into at most one `refresh` at a time and one queued behind it,
 * at least `gapMs` after the previous one started: a run that emits fifty events in a second
 * costs a handful of reads, and a request that arrives mid-read is never lost, because the
 * queued read starts after it.
 */
export function createCoalescedRefresh(
  refresh: () => Promise<unknown>,
  gapMs: number,
): CoalescedRefresh {
  let running = false;
  let queued = false;
  let cancelled = false;
  let lastStart = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const start = () => {
    timer = undefined;
    queued = false;
    running = true;
    lastStart = Date.now();
    // A failed read shows where it belongs (a query keeps its error); the next one still runs.
    refresh()
      .catch(() => {})
      .finally(() => {
        running = false;
        if (queued && !cancelled) schedule();
      });
  };
  const schedule = () => {
    if (timer !== undefined) return;
    timer = setTimeout(start, Math.max(0, lastStart + gapMs - Date.now()));
  };

  return {
    request() {
      if (cancelled) return;
      queued = true;
      if (!running) schedule();
    },
    cancel() {
      cancelled = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
