import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasRole } from "../../auth/roles.ts";
import { getLiveSession, type SessionPolicy } from "../../auth/sessions.ts";
import { hashToken } from "../../auth/tokens.ts";
import type { Config } from "../../config/config.ts";
import { WeftError } from "../../errors.ts";
import type { Db } from "../../store/database.ts";
import { countUsers, getTokenUser, touchToken } from "../../store/users.ts";
import type { Services } from "../services.ts";
import { isTrustedOrigin } from "./security.ts";

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
    if (access === "public") {
      // No credential rides along, but a sign-in or setup from a foreign page is still refused.
      if (UNSAFE.has(request.method)) checkOrigin(request, services.config);
      return;
    }

    const signedIn = await identify(db, request, touched, services.config);
    if (!signedIn)
      throw new WeftError(
        "unauthorized",
        "sign in, or send an API token as Authorization: Bearer <token>",
      );
    const { user, credential } = signedIn;
    if (!hasRole(user.role, access)) {
      throw new WeftError("forbidden", `this needs the ${access} role; you are ${user.role}`);
    }
    request.user = user;
    request.credential = credential;
  });
}

async function identify(
  db: Db,
  request: FastifyRequest,
  touched: Map<string, number>,
  config: Config,
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
    const credential = {
      kind: "token" as const,
      tokenId: found.tokenId,
      userId: found.user.id,
      expiresAt: found.expiresAt,
    };
    return { user: found.user, credential };
  }

  const session = request.cookies[SESSION_COOKIE];
  if (!session) return undefined;
  // A WebSocket upgrade is a GET, but what it opens reads like one: check it as a change.
  if (UNSAFE.has(request.method) || request.routeOptions.url === EVENTS_ROUTE) {
    checkSameOrigin(request, config);
  }
  const live = await getLiveSession(db, session, sessionPolicy(config), now);
  if (!live) throw new WeftError("unauthorized", "the session has ended: sign in again");
  const { user, idHash, expiresAt } = live;
  return { user, credential: { kind: "session" as const, idHash, userId: user.id, expiresAt } };
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

/**
 * A change signed by the session cookie must prove it comes from a trusted origin (the CSRF
 * defence beside SameSite=Strict): by its Origin; without one, by the browser's Sec-Fetch-Site;
 * without that, by its Referer. A request showing none of them is refused.
 */
function checkSameOrigin(request: FastifyRequest, config: Config): void {
  const origin = request.headers.origin;
  if (origin !== undefined) {
    checkOrigin(request, config);
    return;
  }
  const site = request.headers["sec-fetch-site"];
  if (site !== undefined) {
    if (site === "same-origin" || site === "none") return;
    throw new WeftError(
      "forbidden",
      `a ${site} request signed by the session cookie is refused (Sec-Fetch-Site: ${site})`,
    );
  }
  const referer = request.headers.referer;
  if (referer !== undefined) {
    const from = originOf(referer);
    if (from !== undefined && isTrustedOrigin(from, request, config)) return;
    throw new WeftError(
      "forbidden",
      `cross-origin request from ${from ?? "a bad Referer"} refused`,
    );
  }
  throw new WeftError(
    "forbidden",
    "a change signed by the session cookie needs an Origin, Sec-Fetch-Site or Referer header " +
      "showing it comes from Weft's own origin; scripts should send an API token instead",
  );
}

/** An Origin header, when sent, must be a trusted one. */
function checkOrigin(request: FastifyRequest, config: Config): void {
  const origin = request.headers.origin;
  if (origin !== undefined && !isTrustedOrigin(origin, request, config))
    throw new WeftError("forbidden", `cross-origin request from ${origin} refused`);
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The session length settings, as the session functions take them. */
export function sessionPolicy(config: Config): SessionPolicy {
  return { ttlMs: config.sessionTtlMs, idleMs: config.sessionIdleMs };
}

/** Sets the session cookie: HttpOnly, SameSite=Strict, and Secure in production or on HTTPS. */
export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  config: Config,
  sessionId: string,
): void {
  reply.setCookie(SESSION_COOKIE, sessionId, {
    ...cookieScope(request, config),
    maxAge: Math.floor(config.sessionTtlMs / 1000),
  });
}

export function clearSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  config: Config,
): void {
  reply.clearCookie(SESSION_COOKIE, cookieScope(request, config));
}

function cookieScope(request: FastifyRequest, config: Config) {
  return {
    path: "/",
    httpOnly: true,
    sameSite: "strict" as const,
    secure: config.env === "production" || request.protocol === "https",
  };
}

function isDocs(route: string): boolean {
  return route === "/api/openapi.json" || route.startsWith("/api/docs");
}
