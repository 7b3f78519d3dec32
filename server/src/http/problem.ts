import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { type ErrorCode, type Issue, RateLimitedError, WeftError } from "../errors.ts";

const STATUS: Record<ErrorCode, number> = {
  "bad-request": 400,
  "validation-failed": 422,
  unauthorized: 401,
  forbidden: 403,
  "setup-required": 403,
  "not-found": 404,
  conflict: 409,
  "precondition-failed": 412,
  "payload-too-large": 413,
  "unsupported-media-type": 415,
  "rate-limited": 429,
  internal: 500,
};

const TITLES: Record<ErrorCode, string> = {
  "bad-request": "Bad request",
  "validation-failed": "Validation failed",
  unauthorized: "Not signed in",
  forbidden: "Not allowed",
  "setup-required": "Setup required",
  "not-found": "Not found",
  conflict: "Conflict",
  "precondition-failed": "Precondition failed",
  "payload-too-large": "Payload too large",
  "unsupported-media-type": "Unsupported media type",
  "rate-limited": "Too many requests",
  internal: "Internal error",
};

/** The stable `type` of a problem document for an error code. */
export function problemType(code: ErrorCode): string {
  return `urn:weft:problem:${code}`;
}

/**
 * The one error path: a WeftError or a Fastify client error becomes problem+json with its
 * status; anything else is logged whole and answered with a generic 500 and the request id.
 */
export function handleError(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const { code, message, issues } = classify(error, request);
  const status = STATUS[code];
  if (status >= 500) request.log.error({ err: error }, "request failed");
  const detail =
    status >= 500 ? `an unexpected error occurred; quote request id ${request.id}` : message;
  if (error instanceof RateLimitedError) reply.header("retry-after", error.retryAfterSeconds);
  return reply
    .status(status)
    .type("application/problem+json")
    .send({
      type: problemType(code),
      title: TITLES[code],
      status,
      detail,
      instance: request.url.split("?")[0],
      requestId: request.id,
      ...(issues.length > 0 ? { issues } : {}),
    });
}

function classify(
  error: FastifyError | Error,
  request: FastifyRequest,
): {
  code: ErrorCode;
  message: string;
  issues: Issue[];
} {
  if (error instanceof WeftError)
    return { code: error.code, message: error.message, issues: error.issues };
  const fastify = error as FastifyError & {
    validation?: { instancePath?: string; message?: string }[];
    validationContext?: string;
  };
  if (fastify.validation) {
    const issues = fastify.validation.map((v) => ({
      path: validationPath(fastify.validationContext ?? "body", v.instancePath ?? ""),
      message: v.message ?? "is invalid",
    }));
    const first = issues[0];
    return {
      code: "bad-request",
      message: first ? `${first.path}: ${first.message}` : "invalid request",
      issues,
    };
  }
  const status = fastify.statusCode ?? 500;
  if (status === 413) return { code: "payload-too-large", message: fastify.message, issues: [] };
  if (status === 415) {
    const type = request.headers["content-type"] ?? "";
    const route = `${request.method} ${request.url.split("?")[0]}`;
    const message = type
      ? `${route} does not take content type "${type}"`
      : `${route} needs a content-type header`;
    return { code: "unsupported-media-type", message, issues: [] };
  }
  if (status === 404) return { code: "not-found", message: fastify.message, issues: [] };
  if (status >= 400 && status < 500)
    return { code: "bad-request", message: fastify.message, issues: [] };
  return { code: "internal", message: error.message, issues: [] };
}

/** `body` and `/items/0/name` make `body.items[0].name`; the root `/` is the context alone. */
function validationPath(context: string, instancePath: string): string {
  return instancePath
    .split("/")
    .filter((part) => part !== "")
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : `${path}.${part}`), context);
}

/** Answers a route that does not exist, in the same problem form. */
export function handleNotFound(request: FastifyRequest, reply: FastifyReply) {
  return handleError(
    new WeftError("not-found", `no route ${request.method} ${request.url.split("?")[0]}`),
    request,
    reply,
  );
}
