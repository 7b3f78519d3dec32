import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { listAudit } from "../../audit/audit-log.ts";
import type { AuditTable } from "../../store/schema.ts";
import { asZod, type Services } from "../services.ts";
import { toPage } from "../views.ts";

const instant = z.iso
  .datetime({ offset: true, error: "must be an ISO 8601 instant like 2026-12-01T00:00:00Z" })
  .transform((s) => Date.parse(s));

const listQuery = z.object({
  action: z
    .string()
    .max(100)
    .regex(/^[a-z][a-z.-]*$/, "must be an action such as run.cancel, or a prefix such as run.")
    .optional(),
  actor: z
    .string()
    .max(320)
    .transform((s) => s.trim().toLowerCase())
    .optional(),
  targetType: z.string().max(100).optional(),
  targetId: z.string().max(320).optional(),
  outcome: z.enum(["success", "failure"]).optional(),
  since: instant.optional(),
  until: instant.optional(),
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** The audit log: who did what to which thing, newest first. */
export function registerAuditRoutes(fastify: FastifyInstance, services: Services): void {
  const app = asZod(fastify);
  const db = services.store.db;

  app.get(
    "/api/v1/audit",
    {
      config: { access: "admin" },
      schema: {
        tags: ["audit"],
        summary: "List audit entries, newest first",
        querystring: listQuery,
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await listAudit(db, {
        action: q.action,
        actorEmail: q.actor,
        targetType: q.targetType,
        targetId: q.targetId,
        outcome: q.outcome,
        since: q.since,
        until: q.until,
        before: q.cursor,
        limit: q.limit + 1,
      });
      return toPage(rows, q.limit, auditView, (row) => row.id);
    },
  );
}

/** An audit entry as the API answers it; `details` is the JSON stored with it. */
export function auditView(row: AuditTable) {
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    actorId: row.actor_id,
    actorEmail: row.actor_email,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    outcome: row.outcome,
    ip: row.ip,
    details: row.details === null ? null : JSON.parse(row.details),
  };
}
