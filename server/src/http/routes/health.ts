import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { pendingMigrations } from "../../store/migrate.ts";
import type { Services } from "../services.ts";

/**
 * `/healthz` answers while the process lives. `/readyz` answers 200 only when the store
 * answers and is fully migrated and this process's workers and scheduler (where it runs
 * them) are looping; otherwise 503 naming each failing part.
 */
export function registerHealthRoutes(app: FastifyInstance, services: Services): void {
  app.get("/healthz", { config: { access: "public" }, schema: { hide: true } }, async () => ({
    status: "ok",
  }));

  let migrated = false;
  app.get(
    "/readyz",
    { config: { access: "public" }, schema: { hide: true } },
    async (_request, reply) => {
      const checks: Record<string, string> = { store: "ok", migrations: "ok" };
      try {
        await sql`select 1`.execute(services.store.db);
        if (!migrated) {
          const pending = await pendingMigrations(services.store.db);
          migrated = pending.length === 0;
          if (!migrated) checks.migrations = `pending: ${pending.join(", ")}`;
        }
      } catch (error) {
        checks.store = `unavailable: ${(error as Error).message}`;
        checks.migrations = "unknown";
      }
      const loops = services.loops();
      checks.workers = loops.workers;
      checks.scheduler = loops.scheduler;
      const failing = Object.keys(checks).filter((part) => !["ok", "off"].includes(checks[part]!));
      if (failing.length > 0)
        return reply.status(503).send({ status: "unavailable", failing, checks });
      return { status: "ready", checks };
    },
  );
}
