import type { Db } from "./database.ts";
import type { RunStatus } from "./schema.ts";

/** Read-side queries over runs for the API: lists with filters, one run whole, its events. */

export interface RunFilter {
  status?: RunStatus[];
  workflowId?: string;
  triggerType?: string[];
  tag?: string;
  from?: number;
  to?: number;
  /** The id of the last run of the previous page: newer runs arriving cannot shift a page. */
  cursor?: string;
  limit: number;
}

export async function listRunRows(db: Db, filter: RunFilter) {
  let query = db
    .selectFrom("runs")
    .innerJoin("workflows", "workflows.id", "runs.workflow_id")
    .select([
      "runs.id",
      "runs.workflow_id",
      "workflows.name as workflow_name",
      "runs.version",
      "runs.status",
      "runs.trigger_type",
      "runs.trigger_id",
      "runs.error",
      "runs.created_at",
      "runs.started_at",
      "runs.ended_at",
    ])
    .orderBy("runs.id", "desc")
    .limit(filter.limit + 1);
  if (filter.status?.length) query = query.where("runs.status", "in", filter.status);
  if (filter.workflowId) query = query.where("runs.workflow_id", "=", filter.workflowId);
  if (filter.triggerType?.length)
    query = query.where("runs.trigger_type", "in", filter.triggerType);
  if (filter.tag) query = query.where("runs.tags", "like", `%,${filter.tag},%`);
  if (filter.from !== undefined) query = query.where("runs.created_at", ">=", filter.from);
  if (filter.to !== undefined) query = query.where("runs.created_at", "<", filter.to);
  if (filter.cursor) query = query.where("runs.id", "<", filter.cursor);
  return query.execute();
}

export async function getRunRow(db: Db, id: string) {
  return db
    .selectFrom("runs")
    .innerJoin("workflows", "workflows.id", "runs.workflow_id")
    .selectAll("runs")
    .select("workflows.name as workflow_name")
    .where("runs.id", "=", id)
    .executeTakeFirst();
}

export async function getStepRunRows(db: Db, runId: string) {
  return db.selectFrom("step_runs").selectAll().where("run_id", "=", runId).execute();
}

export async function getAttemptRows(db: Db, runId: string) {
  return db
    .selectFrom("attempts")
    .selectAll()
    .where("run_id", "=", runId)
    .orderBy("number")
    .execute();
}

export async function getEventRows(db: Db, runId: string, afterId = 0) {
  return db
    .selectFrom("events")
    .selectAll()
    .where("run_id", "=", runId)
    .where("id", ">", afterId)
    .orderBy("id")
    .limit(1000)
    .execute();
}
