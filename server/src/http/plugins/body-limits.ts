import type { FastifyError, FastifyInstance, FastifyRequest } from "fastify";
import type { Config } from "../../config/config.ts";
import { holdsMoreEntriesThan, MAX_NESTING, nestsDeeperThan } from "../../engine/nesting.ts";
import { WeftError } from "../../errors.ts";

/**
 * Refuses a parsed API body that nests too deep or holds too many keys and items, before
 * validation walks it. Byte limits are Fastify's (`bodyLimit`); see `explainBodyLimit`.
 */
export function registerBodyChecks(app: FastifyInstance, config: Config): void {
  app.addHook("preValidation", async (request) => {
    if (nestsDeeperThan(request.body)) {
      throw new WeftError("bad-request", `the body nests deeper than ${MAX_NESTING} levels`);
    }
    checkJsonEntries(request.body, config.maxJsonKeys);
  });
}

/** Throws 413 when a parsed JSON body holds more than `max` object keys and array items. */
export function checkJsonEntries(value: unknown, max: number): void {
  if (holdsMoreEntriesThan(value, max)) {
    throw new WeftError(
      "payload-too-large",
      `the body holds more than ${max} object keys and array items in all (WEFT_MAX_JSON_KEYS)`,
    );
  }
}

/** Fastify's "body too large" retold with the limit that applied; other errors as they are. */
export function explainBodyLimit(
  error: unknown,
  request: FastifyRequest,
  config: Config,
): FastifyError | Error {
  if ((error as FastifyError).code !== "FST_ERR_CTP_BODY_TOO_LARGE") return error as Error;
  const [bytes, setting] = request.routeOptions.url?.startsWith("/hooks/")
    ? [config.maxWebhookBytes, "WEFT_MAX_WEBHOOK_BYTES"]
    : [config.maxBodyBytes, "WEFT_MAX_BODY_BYTES"];
  return new WeftError(
    "payload-too-large",
    `the body is larger than the limit of ${bytes} bytes (${setting})`,
    { cause: error },
  );
}
