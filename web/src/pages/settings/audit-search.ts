import { searchInstant } from "../../format/search-values.ts";

/** The audit log's filters, kept in the URL so that a filtered view can be shared or reloaded. */

export interface AuditSearch {
  /** An action such as `user.role`, or a prefix ending in a dot such as `secret.`. */
  action?: string;
  /** The actor's email, lower-cased as the API compares it. */
  actor?: string;
  /** ISO 8601 instants: entries at or after `from`, and before `to`. */
  from?: string;
  to?: string;
}

/** What the API accepts as an action filter (server/src/http/routes/audit.ts). */
const ACTION = /^[a-z][a-z.-]*$/;

/** The actions Weft records, offered as the action filter's suggestions. */
export const AUDIT_ACTIONS = [
  "session.",
  "session.create",
  "session.delete",
  "user.",
  "user.create",
  "user.role",
  "user.disable",
  "user.enable",
  "user.unlock",
  "user.password",
  "token.",
  "token.create",
  "token.revoke",
  "secret.",
  "secret.create",
  "secret.update",
  "secret.delete",
  "secret.rotate-key",
  "workflow.",
  "workflow.create",
  "workflow.update",
  "workflow.archive",
  "workflow.unarchive",
  "webhook.rotate",
  "schedule.",
  "schedule.pause",
  "schedule.resume",
  "run.",
  "run.cancel",
  "run.retry",
] as const;

/** Reads the filters from the URL's search params, dropping blanks and values the API refuses. */
export function parseAuditSearch(search: Record<string, unknown>): AuditSearch {
  const action = actionOf(search.action);
  const actor = actorOf(search.actor);
  const from = searchInstant(search.from);
  const to = searchInstant(search.to);
  return {
    ...(action ? { action } : {}),
    ...(actor ? { actor } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

/** An action filter as typed: trimmed and lower-cased; undefined when blank or not one. */
export function actionOf(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const action = value.trim().toLowerCase();
  return action.length <= 100 && ACTION.test(action) ? action : undefined;
}

function actorOf(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const actor = value.trim().toLowerCase();
  return actor !== "" && actor.length <= 320 ? actor : undefined;
}

export function hasAuditFilters(search: AuditSearch): boolean {
  return Object.values(search).some((value) => value !== undefined);
}

/** The query parameters of GET /api/v1/audit for these filters. */
export function auditFilterParams(search: AuditSearch): {
  action?: string;
  actor?: string;
  since?: string;
  until?: string;
} {
  return {
    ...(search.action ? { action: search.action } : {}),
    ...(search.actor ? { actor: search.actor } : {}),
    ...(search.from ? { since: search.from } : {}),
    ...(search.to ? { until: search.to } : {}),
  };
}

/** A short, one-line account of an entry's details: `key=value` pairs, nested ones as JSON. */
export function detailsSummary(details: Record<string, unknown> | null): string {
  if (details === null) return "";
  return Object.entries(details)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(", ");
}
