import type { FastifyInstance, FastifyRequest } from "fastify";
import { hasRole } from "../../auth/roles.ts";
import { hashToken } from "../../auth/tokens.ts";
import { WeftError } from "../../errors.ts";
import type { Db } from "../../store/database.ts";
import { countUsers, getSessionUser, getTokenUser, touchToken } from "../../store/users.ts";
import type { Services } from "../services.ts";

export const SESSION_COOKIE = "weft_session";
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const TOUCH_EVERY_MS = 60_000;
const EVENTS_ROUTE = "/api/v1/events";
const BEARER_PROTOCOL = "bearer.";

/**
 * Checks who calls every `/api` route and with what role, from the route's `access`; a
 * route without one is for admins. Until a first admin exists only setup answers.
 */
export function registerAuth(app: FastifyInstance, services: Services): void {
  const db = services.store.db;
  let setUp = false;
  const touched = new Map<string, number>();

  app.addHook("onRequest", async (request) => {
    // Decide by the route that matched, never by the raw URL: `/%61pi/…` routes to `/api/…`.
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith("/api/")) return;
    const access = isDocs(route) ? "public" : (request.routeOptions.config.access ?? "admin");

    if (!setUp) setUp = (await countUsers(db)) > 0;
    if (!setUp && route !== "/api/v1/setup" && !isDocs(route)) {
      throw new WeftError(
        "setup-required",
        "Weft has no admin yet: run `weft user create --role admin` or POST /api/v1/setup",
      );
    }
    if (access === "public") return;

    const user = await identify(db, request, touched, services.config.publicUrl);
    if (!user)
      throw new WeftError(
        "unauthorized",
        "sign in, or send an API token as Authorization: Bearer <token>",
      );
    if (!hasRole(user.role, access)) {
      throw new WeftError("forbidden", `this needs the ${access} role; you are ${user.role}`);
    }
    request.user = user;
  });
}

async function identify(
  db: Db,
  request: FastifyRequest,
  touched: Map<string, number>,
  publicUrl: string | undefined,
) {
  const now = Date.now();
  const header = request.headers.authorization ?? webSocketBearer(request);
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match)
      throw new WeftError("unauthorized", "the Authorization header must be `Bearer <token>`");
    const found = await getTokenUser(db, hashToken(match[1]!), now);
    if (!found) throw new WeftError("unauthorized", "the API token is unknown, revoked or expired");
    if ((touched.get(found.tokenId) ?? 0) < now - TOUCH_EVERY_MS) {
      touched.set(found.tokenId, now);
      await touchToken(db, found.tokenId, now);
    }
    return found.user;
  }

  const session = request.cookies[SESSION_COOKIE];
  if (!session) return undefined;
  // A WebSocket upgrade is a GET, but what it opens reads like one: check it as a change.
  if (UNSAFE.has(request.method) || request.routeOptions.url === EVENTS_ROUTE) {
    checkOrigin(request, publicUrl);
  }
  return getSessionUser(db, hashToken(session), now);
}

/**
 * Browsers' and Node's WebSocket cannot set headers, so a live-feed client may offer its API
 * token as the subprotocol `bearer.<token>` instead (the server answers with `weft`, never the
 * token). Only the events route takes it.
 */
function webSocketBearer(request: FastifyRequest): string | undefined {
  if (request.routeOptions.url !== EVENTS_ROUTE) return undefined;
  const offered = request.headers["sec-websocket-protocol"] ?? "";
  const token = offered
    .split(",")
    .map((protocol) => protocol.trim())
    .find((protocol) => protocol.startsWith(BEARER_PROTOCOL));
  return token ? `Bearer ${token.slice(BEARER_PROTOCOL.length)}` : undefined;
}

/** A cookie-authenticated change must come from this origin (CSRF defence with SameSite). */
function checkOrigin(request: FastifyRequest, publicUrl: string | undefined): void {
  const origin = request.headers.origin;
  if (!origin) return;
  // With a public URL set, that is the one origin; the Host header is the caller's to choose.
  const expected = publicUrl ? new URL(publicUrl).origin : `${request.protocol}://${request.host}`;
  if (origin !== expected)
    throw new WeftError("forbidden", `cross-origin request from ${origin} refused`);
}

function isDocs(route: string): boolean {
  return route === "/api/openapi.json" || route.startsWith("/api/docs");
}
