import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { NotFoundError } from "../../errors.ts";
import { nextFireAfter } from "../../scheduler/next-fire.ts";
import {
  getAttemptRows,
  getEventRows,
  getRunRow,
  getStepRunRows,
  listRunRows,
} from "../../store/run-queries.ts";
import { getWorkflowRow } from "../../store/workflows.ts";
import { auditRequest } from "../audit-request.ts";
import { resolveRunFilter, runFilterQuery } from "../run-filter.ts";
import { asZod, type Services } from "../services.ts";
import { runSummary, runView, toPage } from "../views.ts";
import { registerRunExportRoute } from "./run-export.ts";

const listQuery = runFilterQuery.extend({
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const idParams = z.object({ id: z.string().min(1) });

/** Runs: list with filters and cursor paging, read one whole, its events, cancel, retry. */
export function registerRunRoutes(fastify: FastifyInstance, services: Services): void {
  const app = asZod(fastify);
  const db = services.store.db;

  app.get(
    "/api/v1/runs",
    {
      config: { access: "viewer" },
      schema: { tags: ["runs"], summary: "List runs, newest first", querystring: listQuery },
    },
    async (request) => {
      const q = request.query;
      const filter = await resolveRunFilter(db, q);
      const rows = await listRunRows(db, { ...filter, cursor: q.cursor, limit: q.limit });
      return toPage(rows, q.limit, runSummary, (row) => row.id);
    },
  );

  app.get(
    "/api/v1/runs/:id",
    {
      config: { access: "viewer" },
      schema: {
        tags: ["runs"],
        summary: "Get a run with its steps and attempts",
        params: idParams,
      },
    },
    async (request) => {
      const run = await getRunRow(db, request.params.id);
      if (!run) throw new NotFoundError("run", request.params.id);
      const plan = await services.engine.requirePlan(run.workflow_id, run.version);
      return runView(
        run,
        plan.definition,
        await getStepRunRows(db, run.id),
        await getAttemptRows(db, run.id),
      );
    },
  );

  app.get(
    "/api/v1/runs/:id/events",
    {
      config: { access: "viewer" },
      schema: {
        tags: ["runs"],
        summary: "A run's events in order",
        params: idParams,
        querystring: z.object({ after: z.coerce.number().int().min(0).default(0) }),
      },
    },
    async (request) => {
      const run = await getRunRow(db, request.params.id);
      if (!run) throw new NotFoundError("run", request.params.id);
      const rows = await getEventRows(db, run.id, request.query.after);
      return {
        items: rows.map((e) => ({
          id: e.id,
          type: e.type,
          stepId: e.step_id,
          data: e.data === null ? null : JSON.parse(e.data),
          at: new Date(e.created_at).toISOString(),
        })),
      };
    },
  );

  app.post(
    "/api/v1/runs/:id/cancel",
    {
      config: { access: "editor" },
      schema: { tags: ["runs"], summary: "Cancel a run", params: idParams },
    },
    async (request, reply) => {
      await services.engine.cancelRun(request.params.id, `cancelled by ${request.user!.email}`);
      await auditRequest(db, request, {
        action: "run.cancel",
        target: { type: "run", id: request.params.id },
      });
      return reply.status(202).send({ runId: request.params.id, status: "cancelled" });
    },
  );

  app.post(
    "/api/v1/runs/:id/retry",
    {
      config: { access: "editor" },
      schema: {
        tags: ["runs"],
        summary: "Retry a failed run from its failed steps",
        params: idParams,
      },
    },
    async (request, reply) => {
      await services.engine.retryRun(request.params.id);
      await auditRequest(db, request, {
        action: "run.retry",
        target: { type: "run", id: request.params.id },
      });
      return reply.status(202).send({ runId: request.params.id, status: "running" });
    },
  );

  registerRunExportRoute(fastify, services);
  registerScheduleRoutes(fastify, services);
}

function registerScheduleRoutes(fastify: FastifyInstance, services: Services): void {
  const app = asZod(fastify);
  const db = services.store.db;
  const params = z.object({ workflowId: z.string(), triggerId: z.string() });
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

  app.get(
    "/api/v1/schedules",
    {
      config: { access: "viewer" },
      schema: { tags: ["schedules"], summary: "List schedules with their next fire times" },
    },
    async () => {
      const rows = await db
        .selectFrom("schedules")
        .innerJoin("workflows", "workflows.id", "schedules.workflow_id")
        .selectAll("schedules")
        .select(["workflows.name", "workflows.archived_at"])
        .orderBy("schedules.next_fire_at")
        .execute();
      return {
        items: rows.map((s) => ({
          workflowId: s.workflow_id,
          workflowName: s.name,
          triggerId: s.trigger_id,
          cron: s.cron,
          timezone: s.timezone,
          catchUp: s.catch_up,
          paused: s.paused === 1,
          archived: s.archived_at !== null,
          nextFireAt: iso(s.next_fire_at),
          lastFiredAt: iso(s.last_fired_at),
        })),
      };
    },
  );

  for (const action of ["pause", "resume"] as const) {
    app.post(
      `/api/v1/schedules/:workflowId/:triggerId/${action}`,
      {
        config: { access: "editor" },
        schema: {
          tags: ["schedules"],
          summary: `${action === "pause" ? "Pause" : "Resume"} a schedule`,
          params,
        },
      },
      async (request) => {
        const workflow = await getWorkflowRow(db, request.params.workflowId);
        if (!workflow) throw new NotFoundError("workflow", request.params.workflowId);
        const schedule = await db
          .selectFrom("schedules")
          .selectAll()
          .where("workflow_id", "=", workflow.id)
          .where("trigger_id", "=", request.params.triggerId)
          .executeTakeFirst();
        if (!schedule)
          throw new NotFoundError("schedule", `${workflow.name}/${request.params.triggerId}`);
        // Resuming does not fire the slots missed while paused: the next slot counts from now.
        const next =
          action === "resume" && schedule.paused === 1
            ? (nextFireAfter(schedule.cron, schedule.timezone, Date.now()) ?? null)
            : schedule.next_fire_at;
        const result = await db
          .updateTable("schedules")
          .set({ paused: action === "pause" ? 1 : 0, next_fire_at: next })
          .where("workflow_id", "=", workflow.id)
          .where("trigger_id", "=", request.params.triggerId)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n)
          throw new NotFoundError("schedule", `${workflow.name}/${request.params.triggerId}`);
        // Only a change is recorded: pausing a paused schedule changes nothing.
        if ((schedule.paused === 1) !== (action === "pause"))
          await auditRequest(db, request, {
            action: `schedule.${action}`,
            target: { type: "workflow", id: workflow.id },
            details: { name: workflow.name, triggerId: request.params.triggerId },
          });
        return {
          workflowId: workflow.id,
          triggerId: request.params.triggerId,
          paused: action === "pause",
        };
      },
    );
  }
}
