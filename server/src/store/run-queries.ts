import { sql } from "kysely";
import type { Db } from "./database.ts";
import type { RunStatus } from "./schema.ts";

/** Read-side queries over runs for the API: lists with filters, one run whole, its events. */

/** Which runs a list or an export covers; every field narrows it. */
export interface RunFilter {
  status?: RunStatus[];
  workflowId?: string;
  triggerType?: string[];
  tag?: string;
  /** Text the run's error message contains (ASCII letters in either case). */
  errorText?: string;
  from?: number;
  to?: number;
}

export interface RunPageFilter extends RunFilter {
  /** The id of the last run of the previous page: newer runs arriving cannot shift a page. */
  cursor?: string;
  limit: number;
}

/** One page of runs, newest first, with one row past `limit` that tells a next page exists. */
export async function listRunRows(db: Db, filter: RunPageFilter) {
  return runPageQuery(db, filter, filter.cursor, filter.limit + 1).execute();
}

/**
 * Every run the filter covers, newest first, read in keyset pages of `pageSize` by id: memory
 * stays at one page however many runs match, and a page is read only when the last is used.
 */
export async function* iterateRunRows(
  db: Db,
  filter: RunFilter,
  pageSize = 1000,
): AsyncGenerator<RunListRow[]> {
  let after: string | undefined;
  for (;;) {
    const rows = await runPageQuery(db, filter, after, pageSize).execute();
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    after = rows.at(-1)!.id;
  }
}

export type RunListRow = Awaited<ReturnType<typeof listRunRows>>[number];

function runPageQuery(db: Db, filter: RunFilter, before: string | undefined, limit: number) {
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
      "runs.tags",
      "runs.error",
      "runs.created_at",
      "runs.started_at",
      "runs.ended_at",
    ])
    .orderBy("runs.id", "desc")
    .limit(limit);
  if (filter.status?.length) query = query.where("runs.status", "in", filter.status);
  if (filter.workflowId) query = query.where("runs.workflow_id", "=", filter.workflowId);
  if (filter.triggerType?.length)
    query = query.where("runs.trigger_type", "in", filter.triggerType);
  if (filter.tag) query = query.where("runs.tags", "like", `%,${filter.tag},%`);
  if (filter.errorText)
    query = query.where(
      sql<boolean>`json_extract(runs.error, '$.message') like ${containsPattern(filter.errorText)} escape '\\'`,
    );
  if (filter.from !== undefined) query = query.where("runs.created_at", ">=", filter.from);
  if (filter.to !== undefined) query = query.where("runs.created_at", "<", filter.to);
  if (before) query = query.where("runs.id", "<", before);
  return query;
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

/** A LIKE pattern for text anywhere in a value, its own `%`, `_` and backslash taken as themselves. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
