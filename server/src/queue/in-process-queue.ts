import type { AttemptHandler, Queue, WakeUp } from "./queue.ts";

/**
 * The embedded queue: wake-ups live in memory, due ones in a FIFO, later ones in a heap
 * under one timer. Losing them in a crash is fine; the store still lists the attempts.
 */
export function createInProcessQueue(options: { concurrency: number }): Queue {
  const ready: string[] = [];
  let readyHead = 0;
  const later = new MinHeap();
  const known = new Set<string>();
  const running = new Set<Promise<void>>();
  let handler: AttemptHandler | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const pump = (): void => {
    while (handler && !stopped && running.size < options.concurrency && readyHead < ready.length) {
      const attemptId = ready[readyHead++]!;
      if (readyHead > 1024 && readyHead * 2 > ready.length) {
        ready.splice(0, readyHead);
        readyHead = 0;
      }
      const work = handler(attemptId).finally(() => {
        running.delete(work);
        known.delete(attemptId);
        pump();
      });
      running.add(work);
    }
  };

  const release = (): void => {
    timer = undefined;
    const now = Date.now();
    while (later.size() > 0 && later.peek()!.availableAt <= now) ready.push(later.pop()!.attemptId);
    armTimer();
    pump();
  };

  const armTimer = (): void => {
    const next = later.peek();
    if (stopped || !next || timer) return;
    timer = setTimeout(release, Math.max(0, Math.min(next.availableAt - Date.now(), 2 ** 31 - 1)));
    timer.unref();
  };

  return {
    dispatch(wakeUps) {
      const now = Date.now();
      for (const wakeUp of wakeUps) {
        if (known.has(wakeUp.attemptId)) continue;
        known.add(wakeUp.attemptId);
        if (wakeUp.availableAt <= now) ready.push(wakeUp.attemptId);
        else {
          const first = later.peek();
          later.push(wakeUp);
          if (first && wakeUp.availableAt < first.availableAt && timer) {
            clearTimeout(timer);
            timer = undefined;
          }
        }
      }
      armTimer();
      pump();
    },
    start(next) {
      handler = next;
      pump();
    },
    async stop(graceMs) {
      stopped = true;
      if (timer) clearTimeout(timer);
      const grace = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.allSettled([...running]), grace]);
    },
    stats: () => ({ running: running.size, waiting: ready.length - readyHead + later.size() }),
  };
}

/** A binary heap of wake-ups ordered by availableAt. */
class MinHeap {
  readonly #items: WakeUp[] = [];

  size(): number {
    return this.#items.length;
  }

  peek(): WakeUp | undefined {
    return this.#items[0];
  }

  push(item: WakeUp): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]!.availableAt <= items[i]!.availableAt) break;
      [items[parent], items[i]] = [items[i]!, items[parent]!];
      i = parent;
    }
  }

  pop(): WakeUp | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || !last) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && items[left]!.availableAt < items[smallest]!.availableAt)
        smallest = left;
      if (right < items.length && items[right]!.availableAt < items[smallest]!.availableAt)
        smallest = right;
      if (smallest === i) return top;
      [items[smallest], items[i]] = [items[i]!, items[smallest]!];
      i = smallest;
    }
  }
}
