import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Config } from "../config/config.ts";
import type { Engine } from "../engine/engine.ts";
import type { StepRegistry } from "../engine/step-registry.ts";
import type { EventBus } from "../events/event-bus.ts";
import type { Logger } from "../observability/logger.ts";
import type { LoopStatus } from "../observability/periodic-loop.ts";
import type { SecretStore } from "../secrets/secret-store.ts";
import type { Store } from "../store/database.ts";
import type { Role } from "../store/schema.ts";
import type { UserRecord } from "../store/users.ts";
import type { Credential, LiveFeeds } from "./live-feeds.ts";
import type { RateLimitStore } from "./rate-limit/rate-limit-store.ts";

/** What the HTTP layer is given to work with. */
export interface Services {
  config: Config;
  store: Store;
  secrets: SecretStore;
  engine: Engine;
  registry: StepRegistry;
  bus: EventBus;
  logger: Logger;
  /** The open live-feed sockets, closed when the credential that opened them ends. */
  liveFeeds: LiveFeeds;
  /** Where rate limit counters live; this process's memory when absent (one process only). */
  rateLimitStore?: RateLimitStore;
  /** How this process's loops are doing, for `/readyz`; `off` where its role is not run. */
  loops(): { workers: LoopStatus | "off"; scheduler: LoopStatus | "off" };
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
    /** What signed the request in, beside `user`. */
    credential?: Credential;
  }
}

/** The base of absolute URLs Weft hands out: WEFT_PUBLIC_URL, or what the request came to. */
export function publicBase(config: Config, request: { protocol: string; host: string }): string {
  return config.publicUrl ?? `${request.protocol}://${request.host}`;
}
