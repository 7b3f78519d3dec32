import { sql } from "kysely";
import type { Logger } from "../observability/logger.ts";
import { PeriodicLoop } from "../observability/periodic-loop.ts";
import type { Store } from "./database.ts";
import type { RunStatus } from "./schema.ts";
import { inWriteTransaction } from "./transaction.ts";

const ENDED: RunStatus[] = ["succeeded", "failed", "cancelled"];
const INCREMENTAL = 2;

export interface PruneOptions {
  /** Ended runs whose `ended_at` is before this (epoch ms) are deleted. */
  endedBefore: number;
  /** Runs per transaction: small enough that writers never wait long. */
  batchSize?: number;
  /** Pages returned to the file system per `incremental_vacuum`, between which others write. */
  pagesPerVacuum?: number;
  /** Stops between batches when aborted; what was deleted stays deleted. */
  signal?: AbortSignal;
}

export interface PruneResult {
  runs: number;
  stepRuns: number;
  attempts: number;
  events: number;
  /** How many pages the file shrank by. */
  pagesFreed: number;
  durationMs: number;
}

/**
 * Deletes ended runs older than `endedBefore` with their step runs, attempts and events, a
 * batch per transaction, then gives the freed pages back and truncates the WAL. Queued and
 * running runs are never touched, whatever their times say.
 */
export async function pruneRuns(store: Store, options: PruneOptions): Promise<PruneResult> {
  const started = Date.now();
  const pagesBefore = await pageCount(store);
  const total = { runs: 0, stepRuns: 0, attempts: 0, events: 0 };
  for (;;) {
    const batch = await deleteBatch(store, options.endedBefore, options.batchSize ?? 500);
    total.runs += batch.runs;
    total.stepRuns += batch.stepRuns;
    total.attempts += batch.attempts;
    total.events += batch.events;
    if (batch.runs === 0 || options.signal?.aborted) break;
    // Let the engine's own transactions in between two batches.
    await new Promise((resolve) => setImmediate(resolve));
  }

  // Cut short by a shutdown: the free pages wait for the next prune.
  if (!options.signal?.aborted) await reclaimSpace(store, options.pagesPerVacuum ?? 1000);
  const pagesFreed = pagesBefore - (await pageCount(store));
  return { ...total, pagesFreed, durationMs: Date.now() - started };
}

async function deleteBatch(store: Store, endedBefore: number, limit: number) {
  return inWriteTransaction(store.db, async (tx) => {
    const ids = (
      await tx
        .selectFrom("runs")
        .select("id")
        .where("status", "in", ENDED)
        .where("ended_at", "<", endedBefore)
        .limit(limit)
        .execute()
    ).map((row) => row.id);
    if (ids.length === 0) return { runs: 0, stepRuns: 0, attempts: 0, events: 0 };

    // Children first: attempts reference step runs, step runs reference runs.
    const events = await tx.deleteFrom("events").where("run_id", "in", ids).executeTakeFirst();
    const attempts = await tx.deleteFrom("attempts").where("run_id", "in", ids).executeTakeFirst();
    const stepRuns = await tx.deleteFrom("step_runs").where("run_id", "in", ids).executeTakeFirst();
    const runs = await tx.deleteFrom("runs").where("id", "in", ids).executeTakeFirst();
    return {
      runs: Number(runs.numDeletedRows),
      stepRuns: Number(stepRuns.numDeletedRows),
      attempts: Number(attempts.numDeletedRows),
      events: Number(events.numDeletedRows),
    };
  });
}

/**
 * Returns free pages to the file system a bounded number at a time, then folds the WAL into
 * the file and truncates it. Raw statements go through Kysely's connection so that no
 * transaction of the engine is open around them; `exec` because a prepared
 * `incremental_vacuum` frees only one page per step.
 */
async function reclaimSpace(store: Store, pagesPerCall: number): Promise<void> {
  const withConnection = <T>(fn: () => T) => store.db.connection().execute(async () => fn());
  const pragma = (name: string) =>
    withConnection(() => store.sqlite.pragma(name, { simple: true }) as number);
  // A store not yet converted (another process held it at open) keeps its free pages for reuse.
  if ((await pragma("auto_vacuum")) === INCREMENTAL) {
    let free = await pragma("freelist_count");
    while (free > 0) {
      await withConnection(() => store.sqlite.exec(`PRAGMA incremental_vacuum(${pagesPerCall})`));
      const left = await pragma("freelist_count");
      if (left >= free) break;
      free = left;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await withConnection(() => store.sqlite.pragma("wal_checkpoint(TRUNCATE)"));
}

async function pageCount(store: Store): Promise<number> {
  const { rows } = await sql<{ page_count: number }>`PRAGMA page_count`.execute(store.db);
  return rows[0]?.page_count ?? 0;
}

/**
 * Deletes audit entries recorded before `before` (epoch ms), a batch per transaction so the
 * engine's writes never wait long; returns how many went.
 */
export async function pruneAuditLog(
  store: Store,
  options: { before: number; batchSize?: number; signal?: AbortSignal },
): Promise<number> {
  let deleted = 0;
  for (;;) {
    const batch = await inWriteTransaction(store.db, async (tx) => {
      const ids = tx
        .selectFrom("audit_log")
        .select("id")
        .where("at", "<", options.before)
        .limit(options.batchSize ?? 1000);
      const result = await tx.deleteFrom("audit_log").where("id", "in", ids).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
    deleted += batch;
    if (batch === 0 || options.signal?.aborted) return deleted;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export interface PrunerOptions {
  store: Store;
  /** Ended runs older than this go; undefined keeps every run. */
  runRetentionMs: number | undefined;
  /** Audit entries older than this go; undefined keeps every entry. */
  auditRetentionMs: number | undefined;
  intervalMs: number;
  logger: Logger;
  now?: () => number;
}

/** Prunes ended runs and audit entries older than their retentions at start, then every interval. */
export class Pruner {
  readonly #o: PrunerOptions;
  readonly #loop: PeriodicLoop;
  #abort = new AbortController();

  constructor(options: PrunerOptions) {
    this.#o = options;
    this.#loop = new PeriodicLoop({
      intervalMs: options.intervalMs,
      tick: () => this.pruneOnce(),
      onError: (err) => options.logger.error({ err }, "pruning failed"),
    });
  }

  start(): void {
    this.#abort = new AbortController();
    this.#loop.start();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop.stop();
  }

  /** One prune of each kind configured, logged in one line each; failures are logged, not thrown. */
  async pruneOnce(): Promise<void> {
    const { store, logger, runRetentionMs, auditRetentionMs } = this.#o;
    const now = (this.#o.now ?? Date.now)();
    const signal = this.#abort.signal;
    if (runRetentionMs !== undefined) {
      const endedBefore = now - runRetentionMs;
      try {
        const result = await pruneRuns(store, { endedBefore, signal });
        logger.info({ ...result, endedBefore: new Date(endedBefore).toISOString() }, "runs pruned");
      } catch (err) {
        logger.error({ err }, "pruning runs failed");
      }
    }
    if (auditRetentionMs !== undefined && !signal.aborted) {
      const before = now - auditRetentionMs;
      try {
        const entries = await pruneAuditLog(store, { before, signal });
        logger.info({ entries, before: new Date(before).toISOString() }, "audit log pruned");
      } catch (err) {
        logger.error({ err }, "pruning the audit log failed");
      }
    }
  }
}
