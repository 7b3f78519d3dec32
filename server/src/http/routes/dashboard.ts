import type { FastifyInstance } from "fastify";
import { z } from "zod";
import {
  deleteDashboardLayout,
  getDashboardLayout,
  putDashboardLayout,
} from "../../store/dashboard-layouts.ts";
import {
  type DashboardLayout,
  DEFAULT_LAYOUT,
  dashboardLayoutObject,
  dashboardLayoutSchema,
} from "../dashboard-layout.ts";
import { asZod, type Services } from "../services.ts";

const layoutAnswer = dashboardLayoutObject.extend({
  /** True when the user has saved nothing (or reset): this is the default layout. */
  isDefault: z.boolean(),
  updatedAt: z.iso.datetime().nullable(),
});

/** GET, PUT /api/v1/me/dashboard. */
export type DashboardLayoutAnswer = z.infer<typeof layoutAnswer>;

/** The signed-in user's own dashboard layout: read it, save it, reset it to the default. */
export function registerDashboardRoutes(fastify: FastifyInstance, services: Services): void {
  const app = asZod(fastify);
  const db = services.store.db;

  app.get(
    "/api/v1/me/dashboard",
    {
      config: { access: "viewer" },
      schema: {
        tags: ["dashboard"],
        summary: "Your dashboard layout, or the default one until you save yours",
        response: { 200: layoutAnswer },
      },
    },
    async (request) => {
      const row = await getDashboardLayout(db, request.user!.id);
      const saved = row ? dashboardLayoutSchema.safeParse(JSON.parse(row.layout)) : undefined;
      // A layout saved under older rules that no longer hold falls back to the default.
      if (!row || !saved?.success) return answer(DEFAULT_LAYOUT, null);
      return answer(saved.data, row.updated_at);
    },
  );

  app.put(
    "/api/v1/me/dashboard",
    {
      config: { access: "viewer" },
      schema: {
        tags: ["dashboard"],
        summary: "Save your dashboard layout",
        body: dashboardLayoutSchema,
        response: { 200: layoutAnswer },
      },
    },
    async (request) => {
      const now = Date.now();
      await putDashboardLayout(db, request.user!.id, JSON.stringify(request.body), now);
      return answer(request.body, now);
    },
  );

  app.delete(
    "/api/v1/me/dashboard",
    {
      config: { access: "viewer" },
      schema: { tags: ["dashboard"], summary: "Reset your dashboard layout to the default" },
    },
    async (request, reply) => {
      await deleteDashboardLayout(db, request.user!.id);
      return reply.status(204).send();
    },
  );
}

function answer(layout: DashboardLayout, updatedAt: number | null) {
  return {
    ...layout,
    isDefault: updatedAt === null,
    updatedAt: updatedAt === null ? null : new Date(updatedAt).toISOString(),
  };
}
