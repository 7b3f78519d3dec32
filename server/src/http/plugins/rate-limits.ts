import type { FastifyInstance, FastifyRequest } from "fastify";
import { hashToken } from "../../auth/tokens.ts";
import { MemoryRateLimitStore } from "../rate-limit/memory-rate-limit-store.ts";
import { type ApiClient, createRateLimits, type RateLimits } from "../rate-limit/rate-limits.ts";
import type { Services } from "../services.ts";
import { SESSION_COOKIE } from "./auth.ts";

const SIGN_IN_ROUTE = "/api/v1/session";
const EVENTS_ROUTE = "/api/v1/events";
const BEARER_PROTOCOL = "bearer.";

declare module "fastify" {
  interface FastifyInstance {
    /** The sign-in, API and webhook limits and the sign-in lockout. */
    rateLimits: RateLimits;
  }
}

/**
 * Limits sign-ins per client address and API calls per token, session or address, before
 * anything else runs for them. Credentials that auth refuses also count against their
 * address, so inventing a new token for each request buys no allowance. Webhook deliveries are limited per workflow by their route,
 * once the key has matched, so strangers cannot spend a workflow's allowance.
 */
export function registerRateLimits(app: FastifyInstance, services: Services): void {
  const shared = services.rateLimitStore;
  const stores = shared
    ? { traffic: shared, lockout: shared }
    : { traffic: new MemoryRateLimitStore(), lockout: new MemoryRateLimitStore() };
  const limits = createRateLimits(services.config, stores, services.logger);
  app.decorate("rateLimits", limits);

  app.addHook("onRequest", async (request) => {
    // By the route that matched, like auth: `/hooks/…`, health and unknown paths are not API.
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith("/api/") || isDocs(route)) return;
    if (route === SIGN_IN_ROUTE && request.method === "POST") {
      await limits.checkSignIn(request.ip);
      return;
    }
    const client = apiClient(request);
    if (client.kind !== "address") await limits.checkRefusedCredentials(request.ip);
    await limits.checkApi(client);
  });

  app.addHook("onResponse", async (request, reply) => {
    if (reply.statusCode !== 401) return;
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith("/api/") || route === SIGN_IN_ROUTE) return;
    if (apiClient(request).kind !== "address") await limits.countRefusedCredential(request.ip);
  });
}

/**
 * The credential a request presents, by its hash (as the store keeps it), else its address.
 * It runs before auth has checked the credential: a made-up one only spends its own count.
 */
function apiClient(request: FastifyRequest): ApiClient {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
  const token = bearer ?? webSocketBearer(request);
  if (token) return { kind: "token", hash: hashToken(token) };
  const session = request.cookies[SESSION_COOKIE];
  if (session) return { kind: "session", hash: hashToken(session) };
  return { kind: "address", ip: request.ip };
}

/** The token a live-feed client offers as the subprotocol `bearer.<token>` (see auth). */
function webSocketBearer(request: FastifyRequest): string | undefined {
  if (request.routeOptions.url !== EVENTS_ROUTE) return undefined;
  return (request.headers["sec-websocket-protocol"] ?? "")
    .split(",")
    .map((protocol) => protocol.trim())
    .find((protocol) => protocol.startsWith(BEARER_PROTOCOL))
    ?.slice(BEARER_PROTOCOL.length);
}

function isDocs(route: string): boolean {
  return route === "/api/openapi.json" || route.startsWith("/api/docs");
}
