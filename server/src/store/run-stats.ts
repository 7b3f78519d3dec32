import { sql } from "kysely";
import type { Db } from "./database.ts";
import type { RunStatus } from "./schema.ts";

/**
 * Aggregates over runs for the dashboard, each a range read of one index with no sort: counts
 * by creation time from `runs_created_status`, durations per workflow from
 * `runs_workflow_ended`, ended runs from `runs_ended_at`. A GROUP BY over a long range would
 * sort every row in it, so grouping happens by repeating a range query per group instead.
 * A duration is end minus start; a run that never started has none.
 */

const STATUSES: readonly RunStatus[] = ["queued", "running", "succeeded", "failed", "cancelled"];
const duration = sql<number>`runs.ended_at - runs.started_at`;

export type StatusCounts = Record<RunStatus, number>;

/** How many runs were created in [from, to), by their status now. */
export async function countRunsByStatus(db: Db, from: number, to: number): Promise<StatusCounts> {
  const row = await db
    .selectFrom("runs")
    .select((eb) =>
      STATUSES.map((status) =>
        eb.fn.countAll<number>().filterWhere("runs.status", "=", status).as(status),
      ),
    )
    .where("runs.created_at", ">=", from)
    .where("runs.created_at", "<", to)
    .executeTakeFirstOrThrow();
  const counts = row as unknown as Record<RunStatus, number | bigint>;
  return Object.fromEntries(STATUSES.map((s) => [s, Number(counts[s])])) as StatusCounts;
}

/** How many runs ended since `since`. */
export async function countEndedRuns(db: Db, since: number): Promise<number> {
  const row = await db
    .selectFrom("runs")
    .select((eb) => eb.fn.countAll<number>().as("ended"))
    .where("runs.ended_at", ">=", since)
    .executeTakeFirstOrThrow();
  return Number(row.ended);
}

/** The durations of the last `limit` runs that started and ended since `since`, unordered. */
export async function recentDurations(db: Db, since: number, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom("runs")
    .select(duration.as("duration"))
    .where("runs.ended_at", ">=", since)
    .where("runs.started_at", "is not", null)
    .orderBy("runs.ended_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => Number(r.duration));
}

export interface WorkflowDurations {
  workflowId: string;
  workflowName: string;
  runs: number;
  avgMs: number;
  maxMs: number;
}

/** Workflows by the mean duration of their runs that ended since `since`, slowest first. */
export async function slowestWorkflows(
  db: Db,
  since: number,
  limit: number,
): Promise<WorkflowDurations[]> {
  const workflows = await db.selectFrom("workflows").select(["id", "name"]).execute();
  const found: WorkflowDurations[] = [];
  for (const workflow of workflows) {
    const row = await db
      .selectFrom("runs")
      .select((eb) => [
        eb.fn.countAll<number>().as("runs"),
        eb.fn.avg<number>(duration).as("avg_ms"),
        eb.fn.max<number>(duration).as("max_ms"),
      ])
      .where("runs.workflow_id", "=", workflow.id)
      .where("runs.ended_at", ">=", since)
      .where("runs.started_at", "is not", null)
      .executeTakeFirstOrThrow();
    if (Number(row.runs) === 0) continue;
    found.push({
      workflowId: workflow.id,
      workflowName: workflow.name,
      runs: Number(row.runs),
      avgMs: Number(row.avg_ms),
      maxMs: Number(row.max_ms),
    });
  }
  return found.sort((a, b) => b.avgMs - a.avgMs).slice(0, limit);
}

/** The next schedules to fire, soonest first, leaving out paused ones and archived workflows. */
export async function upcomingSchedules(db: Db, limit: number) {
  return db
    .selectFrom("schedules")
    .innerJoin("workflows", "workflows.id", "schedules.workflow_id")
    .select([
      "schedules.workflow_id",
      "workflows.name",
      "schedules.trigger_id",
      "schedules.cron",
      "schedules.timezone",
      "schedules.next_fire_at",
    ])
    .where("schedules.paused", "=", 0)
    .where("schedules.next_fire_at", "is not", null)
    .where("workflows.archived_at", "is", null)
    .orderBy("schedules.next_fire_at")
    .limit(limit)
    .execute();
}
