import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { hashPassword, verifyPassword } from "../../auth/passwords.ts";
import { generateToken, hashToken } from "../../auth/tokens.ts";
import { createUser, disableUser } from "../../auth/users.ts";
import { ConflictError, NotFoundError, WeftError } from "../../errors.ts";
import { inWriteTransaction } from "../../store/transaction.ts";
import {
  countUsers,
  deleteSession,
  getUserByEmail,
  insertSession,
  insertToken,
  listTokens,
  listUsers,
  revokeToken,
} from "../../store/users.ts";
import { SESSION_COOKIE } from "../plugins/auth.ts";
import { asZod, type Services } from "../services.ts";

const credentials = z.object({ email: z.email(), password: z.string().min(1).max(512) }).strict();
const role = z.enum(["admin", "editor", "viewer"]);
/** Checked when the email is unknown, so a wrong email takes as long as a wrong password. */
const DUMMY_HASH = ["scrypt", 32768, 8, 1, randomBytes(16), randomBytes(32)]
  .map((part) => (Buffer.isBuffer(part) ? part.toString("base64url") : String(part)))
  .join("$");

/** Setup, sign-in and sign-out, users and API tokens. */
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
      const row = await getUserByEmail(db, request.body.email.trim().toLowerCase());
      const valid = await verifyPassword(request.body.password, row?.password_hash ?? DUMMY_HASH);
      if (!row || !valid || row.disabled_at !== null)
        throw new WeftError("unauthorized", "email or password is wrong");
      const session = generateToken("wfs");
      await insertSession(
        db,
        hashToken(session),
        row.id,
        Date.now() + services.config.sessionTtlMs,
      );
      reply.setCookie(SESSION_COOKIE, session, {
        path: "/",
        httpOnly: true,
        sameSite: "strict",
        secure: request.protocol === "https",
        maxAge: Math.floor(services.config.sessionTtlMs / 1000),
      });
      return { id: row.id, email: row.email, role: row.role };
    },
  );

  app.get(
    "/api/v1/session",
    { config: { access: "viewer" }, schema: { tags: ["users"], summary: "Who is signed in" } },
    async (request) => request.user,
  );

  app.delete(
    "/api/v1/session",
    { config: { access: "public" }, schema: { tags: ["users"], summary: "Sign out" } },
    async (request, reply) => {
      const session = request.cookies[SESSION_COOKIE];
      if (session) await deleteSession(db, hashToken(session));
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.status(204).send();
    },
  );

  app.get(
    "/api/v1/users",
    { config: { access: "admin" }, schema: { tags: ["users"], summary: "List users" } },
    async () => ({ items: await listUsers(db) }),
  );

  app.post(
    "/api/v1/users",
    {
      config: { access: "admin" },
      schema: { tags: ["users"], summary: "Create a user", body: credentials.extend({ role }) },
    },
    async (request, reply) => reply.status(201).send(await createUser(db, request.body)),
  );

  app.post(
    "/api/v1/users/:email/disable",
    {
      config: { access: "admin" },
      schema: {
        tags: ["users"],
        summary: "Disable a user",
        params: z.object({ email: z.string() }),
      },
    },
    async (request, reply) => {
      await disableUser(db, request.params.email);
      return reply.status(204).send();
    },
  );

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
      if (!(await revokeToken(db, request.user!.id, request.params.id)))
        throw new NotFoundError("token", request.params.id);
      return reply.status(204).send();
    },
  );
}
