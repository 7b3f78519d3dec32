import { sql } from "kysely";
import type { Db } from "./database.ts";
import { inWriteTransaction } from "./transaction.ts";

interface Pending {
  fn: (tx: Db) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Runs write transactions together: many small state changes share one commit. */
export interface GroupCommitter {
  /**
   * Runs `fn` inside the next shared transaction, under its own savepoint, so a throw undoes
   * only its own writes. Resolves after the shared commit, never before.
   */
  run<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
}

/**
 * Collects the changes asked for in one turn of the event loop and commits them at once.
 * A commit costs far more than the writes of one state change, so this is what lets the
 * store keep up with thousands of step transitions a second.
 */
export function createGroupCommitter(db: Db, maxBatch = 256): GroupCommitter {
  const queue: Pending[] = [];
  let scheduled = false;
  let flushing = false;

  const flush = async (): Promise<void> => {
    scheduled = false;
    if (flushing || queue.length === 0) return;
    flushing = true;
    const batch = queue.splice(0, maxBatch);
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      await inWriteTransaction(db, async (tx) => {
        for (const item of batch) outcomes.push(await runIsolated(tx, item.fn));
      });
      batch.forEach((item, i) => {
        const outcome = outcomes[i]!;
        outcome.ok ? item.resolve(outcome.value) : item.reject(outcome.value);
      });
    } catch (error) {
      for (const item of batch) item.reject(error);
    } finally {
      flushing = false;
      if (queue.length > 0) schedule();
    }
  };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };

  return {
    run<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    },
  };
}

async function runIsolated(tx: Db, fn: (tx: Db) => Promise<unknown>) {
  await sql`savepoint weft_change`.execute(tx);
  try {
    const value = await fn(tx);
    await sql`release weft_change`.execute(tx);
    return { ok: true, value };
  } catch (error) {
    await sql`rollback to weft_change`.execute(tx);
    await sql`release weft_change`.execute(tx);
    return { ok: false, value: error };
  }
}
