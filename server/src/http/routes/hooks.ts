import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { triggerIds, type WebhookTrigger } from "../../engine/definition.ts";
import { parseDuration } from "../../engine/duration.ts";
import { interpolate } from "../../engine/expressions.ts";
import { MAX_NESTING, nestsDeeperThan } from "../../engine/nesting.ts";
import { fromStoredJson } from "../../engine/stored-value.ts";
import { NotFoundError, WeftError } from "../../errors.ts";
import { getWebhookByKey, getWorkflowRow } from "../../store/workflows.ts";
import { checkJsonEntries } from "../plugins/body-limits.ts";
import { asZod, type Services } from "../services.ts";
import { deliveryId, requireValidSignature } from "../webhook-signatures.ts";

/** Headers a delivery's sender may use to authenticate; never stored with the run. */
const PRIVATE_HEADERS = new Set(["authorization", "cookie", "proxy-authorization"]);

/**
 * Webhook deliveries at `/hooks/{workflowId}/{key}[/…]`: the key authenticates every
 * delivery, a `verify` scheme adds a signature check over the raw body. Any content type
 * is accepted and kept byte for byte.
 */
export async function registerHookRoutes(
  fastify: FastifyInstance,
  services: Services,
): Promise<void> {
  await fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      "*",
      { parseAs: "buffer", bodyLimit: services.config.maxWebhookBytes },
      (_req, body, done) => done(null, body),
    );

    const app = asZod(scope);
    const params = z.object({
      workflowId: z.string(),
      key: z.string(),
      "*": z.string().optional(),
    });
    const handler = (request: FastifyRequest, reply: FastifyReply) =>
      receive(services, request as Delivery, reply);
    const schema = { tags: ["webhooks"], summary: "Deliver a webhook", params };
    app.route({
      method: ["POST", "PUT", "PATCH", "GET"],
      url: "/hooks/:workflowId/:key",
      config: { access: "public" },
      exposeHeadRoute: false,
      schema,
      handler,
    });
    app.route({
      method: ["POST", "PUT", "PATCH", "GET"],
      url: "/hooks/:workflowId/:key/*",
      config: { access: "public" },
      exposeHeadRoute: false,
      schema,
      handler,
    });
  });
}

type Delivery = FastifyRequest<{ Params: { workflowId: string; key: string; "*"?: string } }> & {
  body?: Buffer;
};

async function receive(services: Services, request: Delivery, reply: FastifyReply) {
  const db = services.store.db;
  const { workflowId, key } = request.params;
  const hook = await getWebhookByKey(db, workflowId, key);
  const workflow = hook ? await getWorkflowRow(db, workflowId) : undefined;
  if (!hook || !workflow || workflow.archived_at !== null)
    throw new NotFoundError("webhook", `${workflowId}/…`);
  // Only deliveries with the key count, so strangers cannot spend a workflow's allowance.
  await request.server.rateLimits.checkWebhook(workflow.id);

  const plan = await services.engine.requirePlan(workflow.id, workflow.current_version);
  const triggers = plan.definition.triggers;
  const trigger = triggers[triggerIds(triggers).indexOf(hook.trigger_id)] as
    | WebhookTrigger
    | undefined;
  if (!trigger) throw new NotFoundError("webhook", `${workflowId}/…`);

  const raw = request.body ?? Buffer.alloc(0);
  if (trigger.verify) await verifySignature(services, trigger.verify, request, raw);

  const payload = describeDelivery(request, raw, hook.trigger_id, services.config.maxJsonKeys);
  const delivery = trigger.verify && deliveryId(trigger.verify, request.headers);
  const started = await services.engine.startRun({
    workflowId: workflow.id,
    triggerType: "webhook",
    triggerId: hook.trigger_id,
    trigger: payload,
    ...(delivery ? { dedupeKey: `webhook:${workflow.id}:${hook.trigger_id}:${delivery}` } : {}),
  });
  if (!trigger.respond?.wait)
    return reply.status(202).send({
      runId: started.runId,
      status: "queued",
      ...(started.duplicate ? { duplicate: true } : {}),
    });
  return respondWithOutput(services, reply, started.runId, trigger);
}

async function verifySignature(
  services: Services,
  verify: NonNullable<WebhookTrigger["verify"]>,
  request: Delivery,
  raw: Buffer,
) {
  const secret = await interpolate(verify.secret, { secrets: services.secrets.snapshot });
  if (typeof secret !== "string" || secret.length === 0) {
    request.log.error(
      { workflowId: request.params.workflowId },
      "webhook secret is empty: set the secret it names",
    );
    throw new WeftError(
      "unauthorized",
      "the webhook cannot be verified: its secret is not configured",
    );
  }
  requireValidSignature(verify, secret, { headers: request.headers, raw });
}

/** What the run sees as `trigger`: the body parsed by its type, plus the raw bytes. */
export function describeDelivery(
  request: Delivery,
  raw: Buffer,
  triggerId: string,
  maxJsonKeys: number,
) {
  const contentType = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && !PRIVATE_HEADERS.has(name)) headers[name] = value;
  }
  return {
    type: "webhook",
    id: triggerId,
    method: request.method,
    path: request.params["*"] ? `/${request.params["*"]}` : "/",
    query: request.query,
    headers,
    contentType: contentType || null,
    body: parseBody(contentType, raw, maxJsonKeys),
    rawBody: raw.toString("base64"),
  };
}

function parseBody(contentType: string, raw: Buffer, maxJsonKeys: number): unknown {
  if (raw.length === 0) return null;
  if (contentType === "application/json" || contentType.endsWith("+json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString("utf8"));
    } catch (error) {
      throw new WeftError("bad-request", `body is not valid JSON: ${(error as Error).message}`);
    }
    if (nestsDeeperThan(parsed)) {
      throw new WeftError("bad-request", `body nests deeper than ${MAX_NESTING} levels`);
    }
    checkJsonEntries(parsed, maxJsonKeys);
    return parsed;
  }
  if (contentType === "application/x-www-form-urlencoded") {
    // No prototype: a field named `constructor` or `__proto__` is just a field.
    const form: Record<string, string | string[]> = Object.create(null);
    for (const [name, value] of new URLSearchParams(raw.toString("utf8"))) {
      const seen = form[name];
      form[name] =
        seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
    return form;
  }
  if (contentType.startsWith("text/") || contentType.endsWith("xml")) return raw.toString("utf8");
  return { base64: raw.toString("base64"), size: raw.length };
}

async function respondWithOutput(
  services: Services,
  reply: FastifyReply,
  runId: string,
  trigger: WebhookTrigger,
) {
  const timeoutMs = parseDuration(trigger.respond?.timeout ?? "30s") ?? 30_000;
  const status = await services.engine.waitForRun(runId, timeoutMs);
  if (status === undefined) return reply.status(202).send({ runId, status: "running" });

  const db = services.store.db;
  const run = await db
    .selectFrom("runs")
    .select(["output", "error"])
    .where("id", "=", runId)
    .executeTakeFirstOrThrow();
  if (status !== "succeeded") {
    // The caller is outside: it learns the run ended badly and its kind, not internal details.
    const error = fromStoredJson(run.error) as { kind?: string } | undefined;
    const kind = error?.kind ? ` (${error.kind})` : "";
    throw new WeftError("conflict", `run ${runId} ${status}${kind}`);
  }
  const step = trigger.respond?.step;
  if (!step) return reply.status(200).send(fromStoredJson(run.output) ?? null);
  const stepRun = await db
    .selectFrom("step_runs")
    .select(["output"])
    .where("run_id", "=", runId)
    .where("step_id", "=", step)
    .executeTakeFirst();
  return reply.status(200).send(fromStoredJson(stepRun?.output ?? null) ?? null);
}
