import type { RunEvent } from "../events/event-map.ts";
import type { Db } from "./database.ts";
import type { AttemptStatus, RunStatus, StepRunStatus } from "./schema.ts";

/** Run, step run and attempt statements of the engine. `db` may be a transaction. */

export interface NewRun {
  id: string;
  workflowId: string;
  version: number;
  triggerType: string;
  triggerId: string | null;
  trigger: unknown;
  tags: string;
  dedupeKey: string | null;
  deadlineAt: number | null;
  createdAt: number;
}

export interface NewAttempt {
  id: string;
  stepRunId: string;
  runId: string;
  stepId: string;
  number: number;
  availableAt: number;
  createdAt: number;
}

export interface StepRunRef {
  id: string;
  step_id: string;
  status: StepRunStatus;
  first_attempt: number;
}

export async function insertRun(db: Db, run: NewRun, steps: { id: string; stepId: string }[]) {
  await db
    .insertInto("runs")
    .values({
      id: run.id,
      workflow_id: run.workflowId,
      version: run.version,
      status: "queued",
      trigger_type: run.triggerType,
      trigger_id: run.triggerId,
      trigger: JSON.stringify(run.trigger ?? null),
      tags: run.tags,
      output: null,
      error: null,
      dedupe_key: run.dedupeKey,
      deadline_at: run.deadlineAt,
      created_at: run.createdAt,
      started_at: null,
      ended_at: null,
    })
    .execute();
  await db
    .insertInto("step_runs")
    .values(
      steps.map((s) => ({
        id: s.id,
        run_id: run.id,
        step_id: s.stepId,
        status: "pending" as const,
        output: null,
        error: null,
        attempts: 0,
        lost_attempts: 0,
        wake_at: null,
        started_at: null,
        ended_at: null,
      })),
    )
    .execute();
}

export async function findRunByDedupeKey(db: Db, dedupeKey: string) {
  return db
    .selectFrom("runs")
    .select(["id", "status"])
    .where("dedupe_key", "=", dedupeKey)
    .executeTakeFirst();
}

export async function insertAttempts(db: Db, attempts: readonly NewAttempt[]): Promise<void> {
  if (attempts.length === 0) return;
  await db
    .insertInto("attempts")
    .values(
      attempts.map((a) => ({
        id: a.id,
        step_run_id: a.stepRunId,
        run_id: a.runId,
        step_id: a.stepId,
        number: a.number,
        status: "queued" as const,
        available_at: a.availableAt,
        lease_owner: null,
        lease_until: null,
        error: null,
        created_at: a.createdAt,
        started_at: null,
        ended_at: null,
        duration_ms: null,
      })),
    )
    .execute();
}

export async function insertEvents(db: Db, events: readonly RunEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto("events")
    .values(
      events.map((e) => ({
        run_id: e.runId,
        workflow_id: e.workflowId,
        type: e.type,
        step_id: e.stepId ?? null,
        attempt: "attempt" in e.data ? (e.data.attempt as number) : null,
        data: JSON.stringify(e.data),
        created_at: Date.parse(e.at),
      })),
    )
    .execute();
}

/** Takes a queued attempt for `owner` until `leaseUntil`; undefined if someone else has it. */
export async function claimAttempt(
  db: Db,
  id: string,
  owner: string,
  now: number,
  leaseUntil: number,
) {
  return db
    .updateTable("attempts")
    .set({ status: "running", lease_owner: owner, lease_until: leaseUntil, started_at: now })
    .where("id", "=", id)
    .where("status", "=", "queued")
    .returning(["id", "step_run_id", "run_id", "step_id", "number"])
    .executeTakeFirst();
}

/** Ends this owner's leases on running attempts now, so a sweep recovers them at once. */
export async function releaseLeases(db: Db, ids: readonly string[], owner: string) {
  await db
    .updateTable("attempts")
    .set({ lease_until: 0 })
    .where("id", "in", ids)
    .where("status", "=", "running")
    .where("lease_owner", "=", owner)
    .execute();
}

/** Extends a lease; false when the attempt is no longer this owner's to run. */
export async function renewLease(db: Db, id: string, owner: string, leaseUntil: number) {
  const result = await db
    .updateTable("attempts")
    .set({ lease_until: leaseUntil })
    .where("id", "=", id)
    .where("status", "=", "running")
    .where("lease_owner", "=", owner)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Records how a running attempt ended, once: the update matches only while the attempt is
 * still running under this owner, so a second completion (or one after a lost lease) is void.
 */
export async function finishAttempt(
  db: Db,
  id: string,
  owner: string,
  fields: {
    status: AttemptStatus;
    endedAt: number;
    durationMs: number;
    input: string | null;
    error: string | null;
  },
): Promise<boolean> {
  const result = await db
    .updateTable("attempts")
    .set({
      status: fields.status,
      ended_at: fields.endedAt,
      duration_ms: fields.durationMs,
      input: fields.input,
      error: fields.error,
    })
    .where("id", "=", id)
    .where("status", "=", "running")
    .where("lease_owner", "=", owner)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function requireRunRow(db: Db, id: string) {
  return db
    .selectFrom("runs")
    .select([
      "id",
      "workflow_id",
      "version",
      "status",
      "trigger",
      "created_at",
      "started_at",
      "trigger_type",
    ])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
}

/** A claimed attempt's step run is running; its start time is the first attempt's. */
export async function markStepRunning(db: Db, id: string, attempt: number, now: number) {
  await db
    .updateTable("step_runs")
    .set((eb) => ({
      status: "running",
      attempts: attempt,
      started_at: eb.fn.coalesce("started_at", eb.val(now)),
    }))
    .where("id", "=", id)
    .execute();
}

export async function getStepRunRefs(db: Db, runId: string): Promise<StepRunRef[]> {
  return db
    .selectFrom("step_runs")
    .select(["id", "step_id", "status", "first_attempt"])
    .where("run_id", "=", runId)
    .execute();
}

/** Ended step runs with their outputs: the `steps` of the expression scope. */
export async function getStepResults(db: Db, runId: string) {
  return db
    .selectFrom("step_runs")
    .select(["step_id", "status", "output", "error", "attempts", "lost_attempts"])
    .where("run_id", "=", runId)
    .execute();
}

export async function getStepRun(db: Db, id: string) {
  return db
    .selectFrom("step_runs")
    .select([
      "id",
      "run_id",
      "step_id",
      "status",
      "attempts",
      "lost_attempts",
      "first_attempt",
      "wake_at",
    ])
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function setStepRun(
  db: Db,
  id: string,
  fields: Partial<{
    status: StepRunStatus;
    output: string | null;
    error: string | null;
    attempts: number;
    lost_attempts: number;
    wake_at: number | null;
    started_at: number | null;
    ended_at: number | null;
  }>,
  onlyIf?: StepRunStatus,
): Promise<boolean> {
  let query = db.updateTable("step_runs").set(fields).where("id", "=", id);
  if (onlyIf) query = query.where("status", "=", onlyIf);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function setStepRunsStatus(
  db: Db,
  ids: readonly string[],
  status: StepRunStatus,
  endedAt?: number,
) {
  if (ids.length === 0) return;
  await db
    .updateTable("step_runs")
    .set(endedAt === undefined ? { status } : { status, ended_at: endedAt })
    .where("id", "in", ids)
    .execute();
}

/** Moves a run from one of `from` to `to`; false when it was not in any of them. */
export async function setRunStatus(
  db: Db,
  id: string,
  from: readonly RunStatus[],
  fields: {
    status: RunStatus;
    output?: string | null;
    error?: string | null;
    started_at?: number;
    ended_at?: number | null;
  },
): Promise<boolean> {
  const result = await db
    .updateTable("runs")
    .set(fields)
    .where("id", "=", id)
    .where("status", "in", from)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Cancels every step run and attempt of a run that has not ended; returns those step ids. */
export async function cancelOpenWork(db: Db, runId: string, now: number): Promise<string[]> {
  const open = await db
    .updateTable("step_runs")
    .set({ status: "cancelled", ended_at: now })
    .where("run_id", "=", runId)
    .where("status", "in", ["pending", "queued", "running", "waiting"])
    .returning("step_id")
    .execute();
  await db
    .updateTable("attempts")
    .set({ status: "cancelled", ended_at: now })
    .where("run_id", "=", runId)
    .where("status", "in", ["queued", "running"])
    .execute();
  return open.map((r) => r.step_id);
}

export async function getLeafOutputs(db: Db, runId: string, leaves: readonly string[]) {
  return db
    .selectFrom("step_runs")
    .select(["step_id", "status", "output"])
    .where("run_id", "=", runId)
    .where("step_id", "in", leaves)
    .execute();
}

/** The highest attempt number of each step run of a run that has attempts, by step run id. */
export async function getLastAttemptNumbers(db: Db, runId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("attempts")
    .select((eb) => ["step_run_id", eb.fn.max("number").as("number")])
    .where("run_id", "=", runId)
    .groupBy("step_run_id")
    .execute();
  return new Map(rows.map((r) => [r.step_run_id, Number(r.number)]));
}
