import type { Db } from "./database.ts";

/** Workflows, their versions and their stored trigger state (webhook keys, schedules). */

export type WorkflowRow = Awaited<ReturnType<typeof getWorkflowRow>> & object;

export async function getWorkflowRow(db: Db, idOrName: string) {
  return db
    .selectFrom("workflows")
    .selectAll()
    .where((eb) => eb.or([eb("id", "=", idOrName), eb("name", "=", idOrName)]))
    .executeTakeFirst();
}

export async function getVersionRow(db: Db, workflowId: string, version: number) {
  return db
    .selectFrom("workflow_versions")
    .selectAll()
    .where("workflow_id", "=", workflowId)
    .where("version", "=", version)
    .executeTakeFirst();
}

/** A workflow's versions, newest first, with the email of who saved each (null without one). */
export async function listVersionRows(db: Db, workflowId: string) {
  return db
    .selectFrom("workflow_versions as v")
    .leftJoin("users as u", "u.id", "v.created_by")
    .select(["v.version", "v.created_at", "v.created_by", "u.email as created_by_email"])
    .where("v.workflow_id", "=", workflowId)
    .orderBy("v.version", "desc")
    .execute();
}

export interface WorkflowFilter {
  tag?: string;
  q?: string;
  archived?: boolean;
  cursor?: string;
  limit: number;
}

/** Workflows by name, a page at a time: the cursor is the last name seen. */
export async function listWorkflowRows(db: Db, filter: WorkflowFilter) {
  let query = db
    .selectFrom("workflows")
    .selectAll()
    .orderBy("name")
    .limit(filter.limit + 1);
  if (filter.tag) query = query.where("tags", "like", `%,${filter.tag},%`);
  if (filter.q) query = query.where("name", "like", `%${filter.q.replace(/[%_]/g, "")}%`);
  query = query.where("archived_at", filter.archived ? "is not" : "is", null);
  if (filter.cursor) query = query.where("name", ">", filter.cursor);
  return query.execute();
}

export async function getWebhookRows(db: Db, workflowId: string) {
  return db.selectFrom("webhooks").selectAll().where("workflow_id", "=", workflowId).execute();
}

export async function getWebhookByKey(db: Db, workflowId: string, key: string) {
  return db
    .selectFrom("webhooks")
    .selectAll()
    .where("workflow_id", "=", workflowId)
    .where("key", "=", key)
    .executeTakeFirst();
}

export async function getScheduleRows(db: Db, workflowId?: string) {
  let query = db.selectFrom("schedules").selectAll().orderBy("workflow_id").orderBy("trigger_id");
  if (workflowId) query = query.where("workflow_id", "=", workflowId);
  return query.execute();
}
