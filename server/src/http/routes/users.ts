import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { createUser, type UserChanged, updateUser } from "../../auth/users.ts";
import { ValidationError } from "../../errors.ts";
import { auditRequest } from "../audit-request.ts";
import { asZod, type Services } from "../services.ts";
import { listUserOverviews } from "../user-overview.ts";

const role = z.enum(["admin", "editor", "viewer"]);
const emailParams = z.object({ email: z.string().min(1).max(320) });
const newUser = z.object({ email: z.email(), password: z.string().min(1).max(512), role }).strict();
const userChange = z.object({ role: role.optional(), disabled: z.boolean().optional() }).strict();

/** Users, for admins: list, create, change role, disable and enable. */
export function registerUserRoutes(fastify: FastifyInstance, services: Services): void {
  const app = asZod(fastify);
  const db = services.store.db;

  app.get(
    "/api/v1/users",
    { config: { access: "admin" }, schema: { tags: ["users"], summary: "List users" } },
    async () => ({ items: await listUserOverviews(db, fastify.rateLimits.lockout) }),
  );

  app.post(
    "/api/v1/users",
    {
      config: { access: "admin" },
      schema: { tags: ["users"], summary: "Create a user", body: newUser },
    },
    async (request, reply) => {
      const user = await createUser(db, request.body);
      await auditRequest(db, request, {
        action: "user.create",
        target: { type: "user", id: user.email },
        details: { role: user.role },
      });
      return reply.status(201).send(user);
    },
  );

  app.patch(
    "/api/v1/users/:email",
    {
      config: { access: "admin" },
      schema: {
        tags: ["users"],
        summary: "Change a user's role, or disable or enable them",
        description:
          "Disabling ends the user's sessions and live feeds; their tokens stop working until " +
          "they are enabled again. The last enabled admin " +
          "can be neither demoted nor disabled (409).",
        params: emailParams,
        body: userChange,
      },
    },
    async (request) => {
      const { role: nextRole, disabled } = request.body;
      if (nextRole === undefined && disabled === undefined)
        throw new ValidationError([{ path: "", message: "must set role, disabled or both" }]);
      const changed = await updateUser(db, request.params.email, { role: nextRole, disabled });
      await recordChange(services, request, changed);
      return changed.after;
    },
  );

  app.post(
    "/api/v1/users/:email/disable",
    {
      config: { access: "admin" },
      schema: { tags: ["users"], summary: "Disable a user", params: emailParams },
    },
    async (request, reply) => {
      const changed = await updateUser(db, request.params.email, { disabled: true });
      await recordChange(services, request, changed);
      return reply.status(204).send();
    },
  );
}

/** Ends a disabled user's live feeds, and audits each change that happened (none: nothing). */
async function recordChange(
  services: Services,
  request: FastifyRequest,
  { before, after }: UserChanged,
): Promise<void> {
  const db = services.store.db;
  const target = { type: "user", id: after.email };
  if (after.role !== before.role) {
    await auditRequest(db, request, {
      action: "user.role",
      target,
      details: { from: before.role, to: after.role },
    });
  }
  if (after.disabled && !before.disabled) {
    services.liveFeeds.ended({ kind: "user", userId: after.id });
    await auditRequest(db, request, { action: "user.disable", target });
  }
  if (!after.disabled && before.disabled)
    await auditRequest(db, request, { action: "user.enable", target });
}
