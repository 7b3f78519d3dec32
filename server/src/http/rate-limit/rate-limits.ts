import type { Config, Rate } from "../../config/config.ts";
import { formatDuration } from "../../engine/duration.ts";
import { RateLimitedError } from "../../errors.ts";
import type { Logger } from "../../observability/logger.ts";
import type { RateLimitStore, WindowCount } from "./rate-limit-store.ts";
import { SignInLockout } from "./sign-in-lockout.ts";

/** Who an API request counts against: its token, its session, or its address. */
export type ApiClient =
  | { kind: "token"; hash: string }
  | { kind: "session"; hash: string }
  | { kind: "address"; ip: string };

/**
 * Where the counters go. Locks get a store of their own in memory, so that a flood of cheap
 * requests, each a new key, can never push a lock out; a shared store (Redis) may be both.
 */
export interface RateLimitStores {
  /** Sign-in attempts per address, API calls and webhook deliveries. */
  traffic: RateLimitStore;
  /** Failed sign-ins in a row and locks, made only after a password check. */
  lockout: RateLimitStore;
}

/** Weft's limits; each `check…` throws RateLimitedError once its rate is spent. */
export interface RateLimits {
  lockout: SignInLockout;
  checkSignIn(ip: string): Promise<void>;
  checkApi(client: ApiClient): Promise<void>;
  /**
   * Refuses an address whose requests presented too many tokens or sessions that auth then
   * refused: without it, a made-up credential per request would get an allowance of its own.
   */
  checkRefusedCredentials(ip: string): Promise<void>;
  /** Counts one refused credential against its address. */
  countRefusedCredential(ip: string): Promise<void>;
  checkWebhook(workflowId: string): Promise<void>;
}

export function createRateLimits(
  config: Config,
  stores: RateLimitStores,
  logger: Logger,
): RateLimits {
  const limits = config.rateLimits;
  const signIn = fixedWindow(stores.traffic, logger, "sign-in", limits.signIn);
  const api = fixedWindow(stores.traffic, logger, "api", limits.api);
  const webhook = fixedWindow(stores.traffic, logger, "webhook", limits.webhook);
  const policy = { after: limits.lockoutAfter, lockoutMs: limits.lockoutMs };
  return {
    lockout: new SignInLockout(stores.lockout, policy),
    checkSignIn: (ip) =>
      signIn(ip, (rate) => `too many sign-in attempts from this address: ${rate}`),
    checkApi: (client) =>
      api(
        client.kind === "address" ? `address:${client.ip}` : `${client.kind}:${client.hash}`,
        (rate) => `too many API requests ${API_WHO[client.kind]}: ${rate}`,
      ),
    checkRefusedCredentials: async (ip) => {
      const rate = limits.api;
      const window = rate ? await stores.traffic.get(refusedKey(ip)) : undefined;
      if (!rate || !window || window.count < rate.max) return;
      const shown = `at most ${rate.max} per ${formatDuration(rate.windowMs)}`;
      throw rateLimited(
        `too many requests with unknown or ended credentials from this address: ${shown}`,
        window,
      );
    },
    countRefusedCredential: async (ip) => {
      if (limits.api) await stores.traffic.hit(refusedKey(ip), limits.api.windowMs);
    },
    checkWebhook: (workflowId) =>
      webhook(
        workflowId,
        (rate) => `too many webhook deliveries to workflow ${workflowId}: ${rate}`,
      ),
  };
}

const refusedKey = (ip: string) => `api-refused:${ip}`;

const API_WHO: Record<ApiClient["kind"], string> = {
  token: "with this API token",
  session: "in this session",
  address: "from this address",
};

/** A check of one scope's rate; does nothing when the scope is off. */
function fixedWindow(store: RateLimitStore, logger: Logger, scope: string, rate: Rate | undefined) {
  return async (key: string, message: (rate: string) => string): Promise<void> => {
    if (!rate) return;
    const window = await store.hit(`${scope}:${key}`, rate.windowMs);
    if (window.count <= rate.max) return;

    const shown = `at most ${rate.max} per ${formatDuration(rate.windowMs)}`;
    // Once per window and key, so a flood does not flood the log as well.
    if (window.count === rate.max + 1) logger.warn({ scope, limit: shown }, "rate limit reached");
    throw rateLimited(message(shown), window);
  };
}

function rateLimited(message: string, window: WindowCount): RateLimitedError {
  const retryAfterSeconds = Math.max(1, Math.ceil((window.resetAt - Date.now()) / 1000));
  return new RateLimitedError(`${message}; try again in ${retryAfterSeconds}s`, retryAfterSeconds);
}
