/**
 * Weft's failure taxonomy. Every user-visible error is a WeftError with a stable `code`;
 * the HTTP layer maps the code to a status and a problem document `type`.
 */

/**
 * One fault in an input, with the path where it was found. An input sent as text also gets
 * the 1-based line and column where the fault starts, and where it ends when that is one value.
 */
export interface Issue {
  path: string;
  message: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

export type ErrorCode =
  | "validation-failed"
  | "not-found"
  | "conflict"
  | "precondition-failed"
  | "unauthorized"
  | "forbidden"
  | "setup-required"
  | "payload-too-large"
  | "unsupported-media-type"
  | "rate-limited"
  | "bad-request"
  | "internal";

/** Base of every error Weft raises on purpose. `cause` is kept when wrapping. */
export class WeftError extends Error {
  readonly code: ErrorCode;
  readonly issues: Issue[];

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; issues?: Issue[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "WeftError";
    this.code = code;
    this.issues = options?.issues ?? [];
  }
}

/** An input broke one or more rules; `issues` names each path and rule. */
export class ValidationError extends WeftError {
  constructor(issues: Issue[], message?: string) {
    super("validation-failed", message ?? summarize(issues), { issues });
    this.name = "ValidationError";
  }
}

export class NotFoundError extends WeftError {
  constructor(what: string, id: string) {
    super("not-found", `${what} "${id}" does not exist`);
    this.name = "NotFoundError";
  }
}

export class ConflictError extends WeftError {
  constructor(message: string) {
    super("conflict", message);
    this.name = "ConflictError";
  }
}

/** Too many requests for one limit; the answer's `Retry-After` says when to try again. */
export class RateLimitedError extends WeftError {
  /** Whole seconds, at least 1. */
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super("rate-limited", message);
    this.name = "RateLimitedError";
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}

/**
 * A step attempt failed. `retryable` says whether another attempt can help: a 503 can,
 * a malformed request cannot. `details` is data the engine stores with the attempt's error,
 * such as the status and start of the body of a failed HTTP response.
 */
export class StepFailure extends Error {
  readonly retryable: boolean;
  readonly kind: string;
  readonly details?: unknown;

  constructor(
    kind: string,
    message: string,
    options: { retryable: boolean; cause?: unknown; details?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "StepFailure";
    this.kind = kind;
    this.retryable = options.retryable;
    if (options.details !== undefined) this.details = options.details;
  }
}

function summarize(issues: Issue[]): string {
  const first = issues[0];
  if (!first) return "invalid input";
  const rest = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return `${first.path ? `${first.path}: ` : ""}${first.message}${rest}`;
}
