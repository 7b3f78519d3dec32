import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import {
  DESCRIPTION_RULE,
  isSecretValue,
  MAX_DESCRIPTION_LENGTH,
  SECRET_NAME,
  SECRET_NAME_RULE,
  SECRET_VALUE_RULE,
} from "../../secrets/secret-rules.ts";
import type { SecretAuthor } from "../../secrets/secret-store.ts";
import { asZod, type Services } from "../services.ts";

const nameParams = z.object({ name: z.string().regex(SECRET_NAME, SECRET_NAME_RULE) });
// Every message here is fixed text: a refused value is never quoted back.
const secretBody = z
  .object({
    value: z
      .string({ error: "must be a string" })
      .refine(isSecretValue, { message: SECRET_VALUE_RULE }),
    description: z
      .string({ error: "must be a string" })
      .max(MAX_DESCRIPTION_LENGTH, DESCRIPTION_RULE)
      .optional(),
  })
  .strict();

/** Secrets, for admins: names and descriptions can be read back, values never. */
export function registerSecretRoutes(fastify: FastifyInstance, services: Services): void {
  const app = asZod(fastify);
  const secrets = services.secrets;

  app.get(
    "/api/v1/secrets",
    {
      config: { access: "admin" },
      schema: { tags: ["secrets"], summary: "List secrets (names and descriptions, no values)" },
    },
    async () => ({ items: await secrets.list() }),
  );

  app.put(
    "/api/v1/secrets/:name",
    {
      config: { access: "admin" },
      schema: {
        tags: ["secrets"],
        summary: "Create or replace a secret; the answer never holds its value",
        params: nameParams,
        body: secretBody,
      },
    },
    async (request, reply) => {
      const { value, description } = request.body;
      const saved = await secrets.set(request.params.name, value, authorOf(request), description);
      return reply.status(saved.created ? 201 : 200).send(saved.secret);
    },
  );

  app.delete(
    "/api/v1/secrets/:name",
    {
      config: { access: "admin" },
      schema: { tags: ["secrets"], summary: "Delete a secret", params: nameParams },
    },
    async (request, reply) => {
      await secrets.delete(request.params.name, authorOf(request));
      return reply.status(204).send();
    },
  );
}

function authorOf(request: FastifyRequest): SecretAuthor {
  const user = request.user!;
  return { label: user.email, actor: { id: user.id, email: user.email }, ip: request.ip };
}
