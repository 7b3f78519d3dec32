import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { hashPassword } from "../../auth/passwords.ts";
import { createSession, endSession } from "../../auth/sessions.ts";
import { generateToken, hashToken } from "../../auth/tokens.ts";
import { changePassword, createUser } from "../../auth/users.ts";
import { ConflictError, NotFoundError, WeftError } from "../../errors.ts";
import { inWriteTransaction } from "../../store/transaction.ts";
import {
  countUsers,
  deleteSession,
  getSession,
  insertToken,
  listTokens,
  revokeToken,
} from "../../store/users.ts";
import { auditRequest } from "../audit-request.ts";
import {
  clearSessionCookie,
  SESSION_COOKIE,
  sessionPolicy,
  setSessionCookie,
} from "../plugins/auth.ts";
import { asZod, type Services } from "../services.ts";
import { requireSignIn } from "../sign-in-check.ts";
import { registerUserRoutes } from "./users.ts";

const credentials = z.object({ email: z.email(), password: z.string().min(1).max(512) }).strict();

/** Setup, sign-in and sign-out, password changes, users (see users.ts) and API tokens. */
export function registerAuthRoutes(fastify: FastifyInstance, services: Services): void {
  const app = asZod(fastify);
  const db = services.store.db;

  app.post(
    "/api/v1/setup",
    {
      config: { access: "public" },
      schema: { tags: ["users"], summary: "Create the first admin", body: credentials },
    },
    async (request, reply) => {
      const passwordHash = await hashPassword(request.body.password);
      const user = await inWriteTransaction(db, async (tx) => {
        if ((await countUsers(tx)) > 0)
          throw new ConflictError("Weft is already set up: sign in instead");
        return createUser(tx, { ...request.body, role: "admin" }, passwordHash);
      });
      await auditRequest(db, request, {
        actor: { id: user.id, email: user.email },
        action: "user.create",
        target: { type: "user", id: user.email },
        details: { role: user.role, setup: true },
      });
      return reply.status(201).send(user);
    },
  );

  app.post(
    "/api/v1/session",
    {
      config: { access: "public" },
      schema: { tags: ["users"], summary: "Sign in", body: credentials },
    },
    async (request, reply) => {
      const row = await requireSignIn(db, fastify.rateLimits.lockout, request, request.body);
      // Always a fresh id, and the session the browser carried in ends: no fixation.
      const carried = request.cookies[SESSION_COOKIE];
      if (carried) {
        await endSession(db, carried);
        services.liveFeeds.ended({ kind: "session", idHash: hashToken(carried) });
      }
      const session = await createSession(db, row.id, sessionPolicy(services.config));
      setSessionCookie(request, reply, services.config, session);
      await auditRequest(db, request, {
        actor: { id: row.id, email: row.email },
        action: "session.create",
        target: { type: "user", id: row.email },
      });
      return { id: row.id, email: row.email, role: row.role };
    },
  );

  app.get(
    "/api/v1/session",
    { config: { access: "viewer" }, schema: { tags: ["users"], summary: "Who is signed in" } },
    async (request) => request.user,
  );

  app.post(
    "/api/v1/session/password",
    {
      config: { access: "viewer" },
      schema: {
        tags: ["users"],
        summary: "Change your password; ends all your sessions and starts a fresh one",
        body: z
          .object({
            currentPassword: z.string().min(1).max(512),
            newPassword: z.string().min(1).max(512),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      // The current password is a guess like a sign-in's (a stolen token must not become a
      // password oracle): the same lockout counts it, and a failure is audited.
      const email = request.user!.email;
      const lockout = fastify.rateLimits.lockout;
      let session: string;
      try {
        if (!(await lockout.beginAttempt(email)))
          throw new WeftError("forbidden", "currentPassword is wrong");
        session = await changePassword(db, email, request.body, sessionPolicy(services.config));
      } catch (error) {
        if (error instanceof WeftError && error.message === "currentPassword is wrong") {
          await lockout.recordFailure(email);
          await auditRequest(db, request, {
            action: "user.password",
            target: { type: "user", id: email },
            outcome: "failure",
          });
        }
        throw error;
      }
      await lockout.recordSuccess(email);
      services.liveFeeds.ended({ kind: "sessions-of", userId: request.user!.id });
      setSessionCookie(request, reply, services.config, session);
      await auditRequest(db, request, {
        action: "user.password",
        target: { type: "user", id: request.user!.email },
      });
      return reply.status(204).send();
    },
  );

  app.delete(
    "/api/v1/session",
    { config: { access: "public" }, schema: { tags: ["users"], summary: "Sign out" } },
    async (request, reply) => {
      const session = request.cookies[SESSION_COOKIE];
      if (session) {
        const user = (await getSession(db, hashToken(session)))?.user;
        await deleteSession(db, hashToken(session));
        services.liveFeeds.ended({ kind: "session", idHash: hashToken(session) });
        if (user) {
          await auditRequest(db, request, {
            actor: { id: user.id, email: user.email },
            action: "session.delete",
            target: { type: "user", id: user.email },
          });
        }
      }
      clearSessionCookie(request, reply, services.config);
      return reply.status(204).send();
    },
  );

  registerUserRoutes(fastify, services);
  registerTokenRoutes(fastify, services);
}

function registerTokenRoutes(fastify: FastifyInstance, services: Services): void {
  const app = asZod(fastify);
  const db = services.store.db;
  const body = z
    .object({
      name: z.string().min(1).max(100),
      expiresInDays: z.number().int().min(1).max(3650).optional(),
    })
    .strict();

  app.post(
    "/api/v1/tokens",
    {
      config: { access: "viewer" },
      schema: { tags: ["tokens"], summary: "Create an API token (shown once)", body },
    },
    async (request, reply) => {
      const token = generateToken("weft");
      const expiresAt = request.body.expiresInDays
        ? Date.now() + request.body.expiresInDays * 86_400_000
        : null;
      const id = await insertToken(db, {
        userId: request.user!.id,
        name: request.body.name,
        hash: hashToken(token),
        expiresAt,
      });
      await auditRequest(db, request, {
        action: "token.create",
        target: { type: "token", id },
        details: {
          name: request.body.name,
          expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
        },
      });
      return reply.status(201).send({
        id,
        name: request.body.name,
        token,
        expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
      });
    },
  );

  app.get(
    "/api/v1/tokens",
    { config: { access: "viewer" }, schema: { tags: ["tokens"], summary: "List your API tokens" } },
    async (request) => ({
      items: await listTokens(db, request.user!.id),
    }),
  );

  app.delete(
    "/api/v1/tokens/:id",
    {
      config: { access: "viewer" },
      schema: {
        tags: ["tokens"],
        summary: "Revoke an API token",
        params: z.object({ id: z.string() }),
      },
    },
    async (request, reply) => {
      const named = await db
        .selectFrom("api_tokens")
        .select("name")
        .where("id", "=", request.params.id)
        .executeTakeFirst();
      if (!(await revokeToken(db, request.user!.id, request.params.id)))
        throw new NotFoundError("token", request.params.id);
      services.liveFeeds.ended({ kind: "token", tokenId: request.params.id });
      await auditRequest(db, request, {
        action: "token.revoke",
        target: { type: "token", id: request.params.id },
        details: { name: named?.name },
      });
      return reply.status(204).send();
    },
  );
}
