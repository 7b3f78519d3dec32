import type { FastifyRequest } from "fastify";
import { type AuditEntry, recordAudit } from "../audit/audit-log.ts";
import type { Db } from "../store/database.ts";

/**
 * Records an action taken through the API: by the signed-in user unless `entry` names
 * another actor, from the client's address.
 */
export async function auditRequest(
  db: Db,
  request: FastifyRequest,
  entry: Omit<AuditEntry, "ip">,
): Promise<void> {
  const user = request.user;
  await recordAudit(db, {
    actor: user ? { id: user.id, email: user.email } : undefined,
    ip: request.ip,
    ...entry,
  });
}
