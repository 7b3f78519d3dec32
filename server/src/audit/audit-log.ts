import type { Db } from "../store/database.ts";
import { newId } from "../store/ids.ts";
import type { AuditTable } from "../store/schema.ts";

/** Who did something: a signed-in user, or nobody known (a failed sign-in, the CLI). */
export interface AuditActor {
  id?: string | null;
  email?: string | null;
}

export interface AuditEntry {
  actor?: AuditActor | undefined;
  action: string;
  target?: { type: string; id: string } | undefined;
  outcome?: "success" | "failure";
  ip?: string | undefined;
  /** Facts about the change; names, never values of secrets, passwords or tokens. */
  details?: Record<string, unknown> | undefined;
}

/** Appends one entry; inside a caller's transaction when `db` is one. */
export async function recordAudit(db: Db, entry: AuditEntry, now = Date.now()): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      id: newId(now),
      at: now,
      actor_id: entry.actor?.id ?? null,
      actor_email: entry.actor?.email ?? null,
      action: entry.action,
      target_type: entry.target?.type ?? null,
      target_id: entry.target?.id ?? null,
      outcome: entry.outcome ?? "success",
      ip: entry.ip ?? null,
      details: entry.details === undefined ? null : JSON.stringify(entry.details),
    })
    .execute();
}

export interface AuditFilter {
  action?: string | undefined;
  actorEmail?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  outcome?: "success" | "failure" | undefined;
  since?: number | undefined;
  until?: number | undefined;
  /** Entries older than this id (ids grow with time): the next page. */
  before?: string | undefined;
  limit: number;
}

/**
 * Newest first. `action` matches exactly, or as a prefix when it ends with `.` (`secret.`);
 * callers pass only letters, dots and dashes, so it holds no LIKE wildcard.
 */
export async function listAudit(db: Db, filter: AuditFilter): Promise<AuditTable[]> {
  let query = db.selectFrom("audit_log").selectAll();
  if (filter.action !== undefined) {
    query = filter.action.endsWith(".")
      ? query.where("action", "like", `${filter.action}%`)
      : query.where("action", "=", filter.action);
  }
  if (filter.actorEmail !== undefined) query = query.where("actor_email", "=", filter.actorEmail);
  if (filter.targetType !== undefined) query = query.where("target_type", "=", filter.targetType);
  if (filter.targetId !== undefined) query = query.where("target_id", "=", filter.targetId);
  if (filter.outcome !== undefined) query = query.where("outcome", "=", filter.outcome);
  if (filter.since !== undefined) query = query.where("at", ">=", filter.since);
  if (filter.until !== undefined) query = query.where("at", "<", filter.until);
  if (filter.before !== undefined) query = query.where("id", "<", filter.before);
  return query.orderBy("id", "desc").limit(filter.limit).execute();
}

/**
 * When each user last signed in, by email, as far as the log goes back: the newest successful
 * `session.create` per target.
 */
export async function lastSignIns(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("audit_log")
    .select(["target_id", (eb) => eb.fn.max("at").as("at")])
    .where("action", "=", "session.create")
    .where("outcome", "=", "success")
    .where("target_type", "=", "user")
    .groupBy("target_id")
    .execute();
  const byEmail = new Map<string, number>();
  for (const row of rows) if (row.target_id !== null) byEmail.set(row.target_id, Number(row.at));
  return byEmail;
}
