import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import type { Services } from "../services.ts";

/** `/healthz` answers while the process lives; `/readyz` when the store and workers are up. */
export function registerHealthRoutes(app: FastifyInstance, services: Services): void {
  app.get("/healthz", { config: { access: "public" }, schema: { hide: true } }, async () => ({
    status: "ok",
  }));

  app.get(
    "/readyz",
    { config: { access: "public" }, schema: { hide: true } },
    async (_request, reply) => {
      const failing: string[] = [];
      try {
        await sql`select 1`.execute(services.store.db);
      } catch {
        failing.push("store");
      }
      if (!services.isRunning()) failing.push("workers");
      if (failing.length > 0) return reply.status(503).send({ status: "unavailable", failing });
      return { status: "ready" };
    },
  );
}
