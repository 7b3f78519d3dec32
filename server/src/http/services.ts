import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Config } from "../config/config.ts";
import type { Engine } from "../engine/engine.ts";
import type { StepRegistry } from "../engine/step-registry.ts";
import type { EventBus } from "../events/event-bus.ts";
import type { Logger } from "../observability/logger.ts";
import type { Store } from "../store/database.ts";
import type { Role } from "../store/schema.ts";
import type { UserRecord } from "../store/users.ts";

/** What the HTTP layer is given to work with. */
export interface Services {
  config: Config;
  store: Store;
  engine: Engine;
  registry: StepRegistry;
  bus: EventBus;
  logger: Logger;
  /** Whether workers and the scheduler run, for `/readyz`. */
  isRunning(): boolean;
}

export function asZod(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}

/** Who may call a route: anyone, or a signed-in user with at least this role. */
export type Access = "public" | Role;

declare module "fastify" {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    user?: UserRecord;
  }
}

/** The base of absolute URLs Weft hands out: WEFT_PUBLIC_URL, or what the request came to. */
export function publicBase(config: Config, request: { protocol: string; host: string }): string {
  return config.publicUrl ?? `${request.protocol}://${request.host}`;
}
