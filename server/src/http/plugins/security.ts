import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { isIP } from "node:net";
import { dirname, join } from "node:path";
import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Config } from "../../config/config.ts";

/** What a cross-origin caller allowed by `WEFT_CORS_ORIGINS` may send. */
const CORS_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];
const CORS_HEADERS = ["authorization", "content-type"];

/**
 * Security headers on every answer (a content security policy fit for a same-origin SPA and
 * the API docs), HSTS on HTTPS answers, and CORS for the configured origins only.
 */
export async function registerSecurity(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(config) },
    // Sent below, and only where the answer went out over HTTPS.
    strictTransportSecurity: false,
    frameguard: { action: "deny" },
    // Full URLs, which may name runs, stay within Weft; the CSRF check may read them.
    referrerPolicy: { policy: "same-origin" },
  });
  addHsts(app, config.hstsMaxAgeSeconds);
  await app.register(cors, corsOptions(config.corsOrigins));
}

function cspDirectives(config: Config): Record<string, string[]> {
  const connect = ["'self'"];
  // Older browsers do not count ws:/wss: of the page's own host as 'self'.
  if (config.publicUrl) {
    const url = new URL(config.publicUrl);
    connect.push(`${url.protocol === "https:" ? "wss" : "ws"}://${url.host}`);
  }
  return {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "script-src-attr": ["'none'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": connect,
    "frame-ancestors": ["'none'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
  };
}

/**
 * The API docs page's policy: the app's, plus the hash of each `<style>` element Swagger UI's
 * scripts render (its logo's), so that no inline style at all has to be allowed. For
 * `@fastify/swagger-ui`'s `transformStaticCSP`.
 */
export function docsCspTransform(): (header: string) => string {
  const sources = swaggerUiStyleHashes().map((hash) => `'sha256-${hash}'`);
  if (sources.length === 0) return (header) => header;
  return (header) =>
    header
      .split(";")
      .map((directive) =>
        directive.trim().startsWith("style-src ") ? `${directive} ${sources.join(" ")}` : directive,
      )
      .join(";");
}

function swaggerUiStyleHashes(): string[] {
  const root = dirname(createRequire(import.meta.url).resolve("@fastify/swagger-ui/package.json"));
  const preset = readFileSync(join(root, "static", "swagger-ui-standalone-preset.js"), "utf8");
  return [...preset.matchAll(/createElement\("style",null,"((?:[^"\\]|\\.)*)"\)/g)].map((match) =>
    createHash("sha256")
      .update(JSON.parse(`"${match[1]}"`))
      .digest("base64"),
  );
}

function addHsts(app: FastifyInstance, maxAgeSeconds: number): void {
  if (maxAgeSeconds <= 0) return;
  const value = `max-age=${maxAgeSeconds}; includeSubDomains`;
  // request.protocol is https on a TLS socket, or when a trusted proxy says so.
  app.addHook("onRequest", async (request, reply) => {
    if (request.protocol === "https") reply.header("strict-transport-security", value);
  });
}

/**
 * Same origin needs no CORS, so by default no origin gets CORS headers and a preflight finds
 * nothing. Listed origins get them with credentials; `*` (development) allows any origin,
 * without credentials.
 */
function corsOptions(origins: string[]) {
  const shared = { methods: CORS_METHODS, allowedHeaders: CORS_HEADERS, maxAge: 600 };
  if (origins.includes("*")) return { ...shared, origin: "*", credentials: false };
  return {
    ...shared,
    origin: (origin: string | undefined, done: (error: null, allow: boolean) => void) =>
      done(null, origin !== undefined && origins.includes(origin)),
    credentials: true,
  };
}

/**
 * Whether a change signed by the session cookie may come from `origin`: Weft's own
 * (`WEFT_PUBLIC_URL`'s, else the request's) or one listed in `WEFT_CORS_ORIGINS`.
 */
export function isTrustedOrigin(origin: string, request: FastifyRequest, config: Config): boolean {
  if (origin !== "*" && config.corsOrigins.includes(origin)) return true;
  // With a public URL set, that is the one own origin; the Host header is the caller's to choose.
  if (config.publicUrl) return origin === new URL(config.publicUrl).origin;
  // Without one, the request's own origin counts only under an address or `localhost`: a
  // page on a name the attacker controls that re-resolves to this server (DNS rebinding)
  // would otherwise be same-origin with it.
  // A trusted proxy's forwarded host is the operator's word (request.host differs from the
  // Host header only then).
  const viaTrustedProxy = request.host !== request.headers.host;
  return (
    origin === `${request.protocol}://${request.host}` &&
    (viaTrustedProxy || isAddressHost(request.hostname))
  );
}

/** An IP literal or `localhost`: names no one else can point at this server. */
function isAddressHost(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, "");
  return isIP(bare) !== 0 || bare === "localhost" || bare.endsWith(".localhost");
}
