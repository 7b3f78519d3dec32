import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { auditRequest } from "../audit-request.ts";
import { asZod, type Services } from "../services.ts";

/** Lifting a sign-in lockout before its time. */
export function registerLockoutRoutes(fastify: FastifyInstance, services: Services): void {
  const app = asZod(fastify);
  const db = services.store.db;

  app.post(
    "/api/v1/users/:email/unlock",
    {
      config: { access: "admin" },
      schema: {
        tags: ["users"],
        summary: "Lift a sign-in lockout and forget the failed sign-ins",
        params: z.object({ email: z.string().min(1).max(320) }),
      },
    },
    async (request, reply) => {
      // Any email may be locked, known or not, so any may be unlocked.
      const email = request.params.email.trim().toLowerCase();
      const wasLocked = await fastify.rateLimits.lockout.unlock(email);
      await auditRequest(db, request, {
        action: "user.unlock",
        target: { type: "user", id: email },
        details: { wasLocked },
      });
      return reply.status(204).send();
    },
  );
}
