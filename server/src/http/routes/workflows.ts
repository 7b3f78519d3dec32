import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { hasRole } from "../../auth/roles.ts";
import {
  type DefinitionInput,
  readDefinition,
  rotateWebhookKey,
  type SavedWorkflow,
  saveWorkflow,
  setArchived,
} from "../../engine/workflow-service.ts";
import { NotFoundError, WeftError } from "../../errors.ts";
import {
  getScheduleRows,
  getVersionRow,
  getWebhookRows,
  getWorkflowRow,
  listVersionRows,
  listWorkflowRows,
  type WorkflowRow,
} from "../../store/workflows.ts";
import { auditRequest } from "../audit-request.ts";
import { asZod, publicBase, type Services } from "../services.ts";
import {
  definitionCheckView,
  toPage,
  versionSummary,
  versionView,
  workflowSummary,
  workflowView,
} from "../views.ts";

const idParams = z.object({ id: z.string().min(1) });
const listQuery = z.object({
  tag: z.string().optional(),
  q: z.string().max(100).optional(),
  archived: z.enum(["true", "false"]).optional(),
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** Workflows: save from YAML or JSON, list, read, new versions, archive, webhook keys. */
export function registerWorkflowRoutes(fastify: FastifyInstance, services: Services): void {
  const app = asZod(fastify);
  const db = services.store.db;

  const view = async (request: FastifyRequest, row: WorkflowRow) => {
    const plan = await services.engine.requirePlan(row.id, row.current_version);
    const hooks = await getWebhookRows(db, row.id);
    const schedules = await getScheduleRows(db, row.id);
    const canSeeKeys = request.user !== undefined && hasRole(request.user.role, "editor");
    return workflowView(row, plan.definition, {
      hookKeys: new Map(hooks.map((h) => [h.trigger_id, h.key])),
      schedules: new Map(schedules.map((s) => [s.trigger_id, s])),
      hookBase: canSeeKeys ? publicBase(services.config, request) : undefined,
    });
  };
  const requireRow = async (id: string) => {
    const row = await getWorkflowRow(db, id);
    if (!row) throw new NotFoundError("workflow", id);
    return row;
  };
  const auditSave = async (request: FastifyRequest, saved: SavedWorkflow, row: WorkflowRow) => {
    if (saved.change === "unchanged") return;
    await auditRequest(db, request, {
      action: saved.change === "created" ? "workflow.create" : "workflow.update",
      target: { type: "workflow", id: saved.id },
      details: { name: row.name, version: saved.version },
    });
  };

  app.post(
    "/api/v1/workflows",
    {
      config: { access: "editor" },
      schema: {
        tags: ["workflows"],
        summary: "Create a workflow, or a new version of the one with this name",
      },
    },
    async (request, reply) => {
      const saved = await saveWorkflow(db, services.registry, definitionInput(request), {
        userId: request.user!.id,
      });
      const row = await requireRow(saved.id);
      await auditSave(request, saved, row);
      const status = saved.change === "created" ? 201 : 200;
      return reply
        .status(status)
        .send({ change: saved.change, workflow: await view(request, row) });
    },
  );

  app.post(
    "/api/v1/workflows/validate",
    {
      config: { access: "editor" },
      schema: {
        tags: ["workflows"],
        summary: "Check a definition without saving it",
        description:
          "Answers 200 when it is valid, or 422 with the same issues saving would give " +
          "(with line and column when it is sent as text).",
      },
    },
    async (request) => {
      const { definition } = readDefinition(definitionInput(request), services.registry);
      return definitionCheckView(definition);
    },
  );

  app.put(
    "/api/v1/workflows/:id",
    {
      config: { access: "editor" },
      schema: {
        tags: ["workflows"],
        summary: 'Save a new version; with If-Match: "N", only over version N (else 412)',
        params: idParams,
      },
    },
    async (request) => {
      const row = await requireRow(request.params.id);
      const saved = await saveWorkflow(db, services.registry, definitionInput(request), {
        userId: request.user!.id,
        expectId: row.id,
        expectVersion: expectedVersion(request.headers["if-match"]),
      });
      const savedRow = await requireRow(saved.id);
      await auditSave(request, saved, savedRow);
      return { change: saved.change, workflow: await view(request, savedRow) };
    },
  );

  app.get(
    "/api/v1/workflows",
    {
      config: { access: "viewer" },
      schema: { tags: ["workflows"], summary: "List workflows", querystring: listQuery },
    },
    async (request) => {
      const q = request.query;
      const rows = await listWorkflowRows(db, {
        tag: q.tag,
        q: q.q,
        archived: q.archived === "true",
        cursor: q.cursor,
        limit: q.limit,
      });
      return toPage(rows, q.limit, workflowSummary, (row) => row.name);
    },
  );

  app.get(
    "/api/v1/workflows/:id",
    {
      config: { access: "viewer" },
      schema: { tags: ["workflows"], summary: "Get a workflow (by id or name)", params: idParams },
    },
    async (request, reply) => {
      const row = await requireRow(request.params.id);
      // The current version is the entity tag a later PUT names in If-Match.
      void reply.header("etag", `"${row.current_version}"`);
      return view(request, row);
    },
  );

  for (const action of ["archive", "unarchive"] as const) {
    app.post(
      `/api/v1/workflows/:id/${action}`,
      {
        config: { access: "editor" },
        schema: {
          tags: ["workflows"],
          summary: action === "archive" ? "Archive a workflow" : "Bring an archived workflow back",
          params: idParams,
        },
      },
      async (request) => {
        await setArchived(db, request.params.id, action === "archive");
        const row = await requireRow(request.params.id);
        await auditRequest(db, request, {
          action: `workflow.${action}`,
          target: { type: "workflow", id: row.id },
          details: { name: row.name },
        });
        return view(request, row);
      },
    );
  }

  app.get(
    "/api/v1/workflows/:id/versions",
    {
      config: { access: "viewer" },
      schema: { tags: ["workflows"], summary: "List versions", params: idParams },
    },
    async (request) => {
      const row = await requireRow(request.params.id);
      const versions = await listVersionRows(db, row.id);
      return { items: versions.map(versionSummary) };
    },
  );

  app.get(
    "/api/v1/workflows/:id/versions/:version",
    {
      config: { access: "viewer" },
      schema: {
        tags: ["workflows"],
        summary: "Get one version",
        params: idParams.extend({ version: z.coerce.number().int().min(1) }),
      },
    },
    async (request) => {
      const row = await requireRow(request.params.id);
      const version = await getVersionRow(db, row.id, request.params.version);
      if (!version) throw new NotFoundError("version", `${row.name}@${request.params.version}`);
      return versionView(version);
    },
  );

  app.post(
    "/api/v1/workflows/:id/runs",
    {
      config: { access: "editor" },
      schema: {
        tags: ["runs"],
        summary: "Start a run by hand",
        params: idParams,
        body: z.object({ input: z.unknown().optional() }).strict().nullish(),
      },
    },
    async (request, reply) => {
      const row = await requireRow(request.params.id);
      const trigger = {
        type: "manual",
        input: request.body?.input ?? null,
        user: request.user!.email,
      };
      const started = await services.engine.startRun({
        workflowId: row.id,
        triggerType: "manual",
        trigger,
      });
      return reply.status(202).send({ runId: started.runId, status: "queued" });
    },
  );

  app.post(
    "/api/v1/workflows/:id/triggers/:triggerId/rotate",
    {
      config: { access: "editor" },
      schema: {
        tags: ["workflows"],
        summary: "Give a webhook trigger a new key",
        params: idParams.extend({ triggerId: z.string() }),
      },
    },
    async (request) => {
      const row = await requireRow(request.params.id);
      const key = await rotateWebhookKey(db, row.id, request.params.triggerId);
      await auditRequest(db, request, {
        action: "webhook.rotate",
        target: { type: "workflow", id: row.id },
        details: { name: row.name, triggerId: request.params.triggerId },
      });
      return { url: `${publicBase(services.config, request)}/hooks/${row.id}/${key}` };
    },
  );
}

/**
 * The version an editor started from, as `If-Match: "3"` names it (the version number is the
 * workflow's entity tag). `*` or no header: no check. A weak tag (`W/"3"`) never matches, by
 * If-Match's strong comparison: it is passed on as version 0, which no workflow has.
 */
function expectedVersion(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === "*") return undefined;
  const tag = /^(W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!tag || Number(tag[2]) < 1)
    throw new WeftError(
      "bad-request",
      `headers.if-match: must be the version being edited, such as "3", not ${JSON.stringify(header)}`,
    );
  return tag[1] ? 0 : Number(tag[2]);
}

/** The definition in a request body: YAML text, or JSON (parsed by Fastify already). */
function definitionInput(request: FastifyRequest): DefinitionInput {
  const type = (request.headers["content-type"] ?? "").split(";")[0]!.trim();
  if (typeof request.body === "string")
    return { text: request.body, format: type.includes("json") ? "json" : "yaml" };
  if (request.body === undefined || request.body === null) {
    throw new WeftError(
      "bad-request",
      "send the definition as application/json or application/yaml",
    );
  }
  return { value: request.body };
}
