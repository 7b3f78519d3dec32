import cookie from "@fastify/cookie";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import websocket from "@fastify/websocket";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
} from "fastify-type-provider-zod";
import { z } from "zod";
import { definitionSchema } from "../engine/definition.ts";
import { newId } from "../store/ids.ts";
import { registerAuth } from "./plugins/auth.ts";
import { explainBodyLimit, registerBodyChecks } from "./plugins/body-limits.ts";
import { registerRateLimits } from "./plugins/rate-limits.ts";
import { docsCspTransform, registerSecurity } from "./plugins/security.ts";
import { handleError } from "./problem.ts";
import { registerAuditRoutes } from "./routes/audit.ts";
import { registerAuthRoutes } from "./routes/auth.ts";
import { registerDashboardRoutes } from "./routes/dashboard.ts";
import { registerEventRoutes } from "./routes/events.ts";
import { registerHealthRoutes } from "./routes/health.ts";
import { registerHookRoutes } from "./routes/hooks.ts";
import { registerLockoutRoutes } from "./routes/lockouts.ts";
import { registerRunRoutes } from "./routes/runs.ts";
import { registerSecretRoutes } from "./routes/secrets.ts";
import { registerStatsRoutes } from "./routes/stats.ts";
import { registerWorkflowRoutes } from "./routes/workflows.ts";
import type { Services } from "./services.ts";
import { readTlsPair } from "./tls.ts";
import { registerWebUi, WEB_DIST } from "./web-ui.ts";

const YAML_TYPES = ["application/yaml", "application/x-yaml", "text/yaml"];

/** Builds the HTTP app: REST API, webhooks, live events, OpenAPI and docs. Not listening yet. */
export async function buildApp(services: Services): Promise<FastifyInstance> {
  const { config } = services;
  // One instance type for both: HTTPS is decided here, and the routes never see the difference.
  const app = Fastify({
    https: config.tls ? readTlsPair(config.tls) : null,
    loggerInstance: services.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: services.config.maxBodyBytes,
    genReqId: () => newId(),
    requestIdHeader: false,
    // Forwarded headers are believed only from these addresses (an array, never `true`).
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    // A malformed or over-long URL is refused before routing; it still gets a problem document.
    frameworkErrors: handleError,
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) =>
    handleError(explainBodyLimit(error, request, config), request, reply),
  );
  app.addContentTypeParser(YAML_TYPES, { parseAs: "string" }, (_req, body, done) =>
    done(null, body),
  );
  logRequests(app);
  registerBodyChecks(app, config);

  await registerSecurity(app, config);
  await app.register(cookie);
  await app.register(websocket, {
    // The one subprotocol; a `bearer.<token>` offered beside it (see auth) is never echoed.
    options: {
      maxPayload: 64 * 1024,
      handleProtocols: (offered: Set<string>) => offered.has("weft") && "weft",
    },
  });
  await registerDocs(app);
  registerRateLimits(app, services);
  registerAuth(app, services);

  registerHealthRoutes(app, services);
  registerAuthRoutes(app, services);
  registerLockoutRoutes(app, services);
  registerAuditRoutes(app, services);
  registerWorkflowRoutes(app, services);
  registerRunRoutes(app, services);
  registerStatsRoutes(app, services);
  registerDashboardRoutes(app, services);
  registerSecretRoutes(app, services);
  registerEventRoutes(app, services);
  await registerHookRoutes(app, services);
  await registerWebUi(app, { distDir: WEB_DIST, assetBaseUrl: config.assetBaseUrl });
  return app;
}

/** One line per request, with its route, status and duration. */
function logRequests(app: FastifyInstance): void {
  app.addHook("onResponse", (request, reply, done) => {
    request.log.info(
      {
        requestId: request.id,
        method: request.method,
        route: request.routeOptions.url ?? request.url.split("?")[0],
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
      },
      "request completed",
    );
    done();
  });
}

async function registerDocs(app: FastifyInstance): Promise<void> {
  const definitionJson = z.toJSONSchema(definitionSchema, { io: "input", unrepresentable: "any" });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Weft API",
        version: "1",
        description: "Durable workflow automation. Errors are application/problem+json (RFC 9457).",
      },
      components: {
        schemas: { WorkflowDefinition: definitionJson as Record<string, unknown> },
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer" },
          session: { type: "apiKey", in: "cookie", name: "weft_session" },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (documents) => {
      const doc = "openapiObject" in documents ? documents.openapiObject : documents.swaggerObject;
      describeDefinitionBodies(doc as OpenApiDoc);
      return doc;
    },
  });
  await app.register(swaggerUi, {
    routePrefix: "/api/docs",
    transformStaticCSP: docsCspTransform(),
  });
  app.get("/api/openapi.json", { config: { access: "public" }, schema: { hide: true } }, () =>
    app.swagger(),
  );
}

type OpenApiDoc = { paths?: Record<string, Record<string, { requestBody?: unknown }>> };

/** Saving or checking a workflow takes the definition as JSON or YAML; the route parses it. */
function describeDefinitionBodies(doc: OpenApiDoc): void {
  const body = {
    required: true,
    content: {
      "application/json": { schema: { $ref: "#/components/schemas/WorkflowDefinition" } },
      "application/yaml": {
        schema: { type: "string", description: "The same definition in YAML" },
      },
    },
  };
  const post = doc.paths?.["/api/v1/workflows"]?.post;
  const put = doc.paths?.["/api/v1/workflows/{id}"]?.put;
  const validate = doc.paths?.["/api/v1/workflows/validate"]?.post;
  if (post) post.requestBody = body;
  if (put) put.requestBody = body;
  if (validate) validate.requestBody = body;
}
