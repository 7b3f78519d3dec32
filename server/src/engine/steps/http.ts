import { STATUS_CODES } from "node:http";
import { Headers, Request, type Response } from "undici";
import { z } from "zod";
import { StepFailure } from "../../errors.ts";
import { formatDuration, requireDuration } from "../duration.ts";
import { defineStepType, type StepContext, type StepResult } from "../step-type.ts";
import { guardedFetch, type OutgoingRequest } from "./guarded-fetch.ts";
import { createHttpGuard, type HttpGuard, type Resolver } from "./http-guard.ts";

const MIB = 1024 * 1024;
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;
const BODYLESS_METHODS = new Set(["GET", "HEAD"]);
const TIMEOUT_BOUNDS = { min: 1, max: 600_000 };
/** How much of a failed response's body is kept in the failure's details. */
const DETAIL_BYTES = 2048;
const STATUS_PATTERN = /^[1-5](?:\d\d|xx)$/;

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const statusPattern = z
  .union([z.number(), z.string()])
  .refine((value) => STATUS_PATTERN.test(String(value)), {
    message: 'must be a status code like "404" or a class like "5xx"',
  });

const timeout = z
  .union([z.string(), z.number()])
  .superRefine((value, ctx) => {
    try {
      requireDuration(value, TIMEOUT_BOUNDS);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  })
  .default("30s");

const withSchema = z
  .strictObject({
    // A `{{ }}` placeholder is checked again, once interpolated, when the attempt runs.
    url: z.string().refine((value) => value.includes("{{") || parseHttpUrl(value) !== undefined, {
      message: "must be an absolute http or https URL",
    }),
    method: z.enum(METHODS).default("GET"),
    headers: z.record(z.string(), z.string()).optional(),
    query: z.record(z.string(), z.union([scalar, z.array(scalar)])).optional(),
    json: z.json().optional(),
    body: z.string().optional(),
    timeout,
    maxResponseBytes: z
      .int()
      .min(1, "must be at least 1 byte")
      .max(100 * MIB, "must be at most 100 MiB (104857600 bytes)")
      .default(10 * MIB),
    failOn: z.array(statusPattern).default(["4xx", "5xx"]),
    retryOn: z.array(statusPattern).default(["408", "429", "5xx"]),
  })
  .refine((input) => input.json === undefined || input.body === undefined, {
    message: "json and body cannot both be set: use json for a JSON value or body for a string",
  })
  .refine((input) => !hasPayload(input) || !BODYLESS_METHODS.has(input.method), {
    message: "a GET or HEAD request cannot have json or body: set method to POST, PUT or PATCH",
    path: ["method"],
  });

type HttpInput = z.output<typeof withSchema>;

export interface HttpStepOptions {
  /**
   * Host names, `*.domain`s, addresses and CIDR ranges (WEFT_HTTP_ALLOW_HOSTS) that may be
   * reached although loopback, private, link-local and other internal addresses are refused.
   */
  allowHosts?: readonly string[];
  /** How host names are resolved; the system resolver unless given. */
  resolve?: Resolver;
}

/**
 * The step type that calls an HTTP service and returns `{ status, headers, body }`, the body
 * parsed by type. It reaches only addresses the network policy of `options` lets through.
 */
export function createHttpStep(options: HttpStepOptions = {}) {
  const guard = createHttpGuard(options);
  return defineStepType({
    type: "http",
    with: withSchema,
    execute: (input, ctx) => execute(input, ctx, guard),
  });
}

async function execute(input: HttpInput, ctx: StepContext, guard: HttpGuard): Promise<StepResult> {
  const url = requireUrl(input);
  const label = `${input.method} ${url.origin}${url.pathname}`;
  const timeoutMs = requireTimeout(input.timeout);
  const timeoutSignal = AbortSignal.timeout(timeoutMs);
  const signal = AbortSignal.any([ctx.signal, timeoutSignal]);
  const request = buildRequest(url, input, ctx.idempotencyKey, label);

  try {
    const response = await guardedFetch(guard, request, signal);
    return { output: await readResponse(response, input, label) };
  } catch (error) {
    throw classifyError(error, { ctx, timeoutSignal, timeoutMs, label });
  }
}

/** Tells a cancellation from a timeout from a network fault; StepFailures pass unchanged. */
function classifyError(
  error: unknown,
  attempt: { ctx: StepContext; timeoutSignal: AbortSignal; timeoutMs: number; label: string },
): StepFailure {
  if (error instanceof StepFailure) return error;
  const { ctx, timeoutSignal, timeoutMs, label } = attempt;

  if (ctx.signal.aborted) {
    return new StepFailure("cancelled", "cancelled", {
      retryable: false,
      cause: ctx.signal.reason,
    });
  }
  if (timeoutSignal.aborted) {
    const message = `timed out after ${formatDuration(timeoutMs)}`;
    return new StepFailure("timeout", message, { retryable: true, cause: error });
  }
  const message = `${label} failed: ${describeNetworkError(error)}`;
  return new StepFailure("network", message, { retryable: true, cause: error });
}

function requireUrl(input: HttpInput): URL {
  const url = parseHttpUrl(input.url);
  if (!url) {
    const message = "url must be an absolute http or https URL once interpolated";
    throw new StepFailure("invalid-request", message, { retryable: false });
  }

  for (const [name, value] of Object.entries(input.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) {
      url.searchParams.append(name, String(item));
    }
  }
  return url;
}

function requireTimeout(value: string | number): number {
  try {
    return requireDuration(value, TIMEOUT_BOUNDS);
  } catch (error) {
    const message = `timeout: ${(error as Error).message}`;
    throw new StepFailure("invalid-request", message, { retryable: false, cause: error });
  }
}

function buildRequest(
  url: URL,
  input: HttpInput,
  idempotencyKey: string,
  label: string,
): OutgoingRequest {
  try {
    const headers = new Headers(input.headers);
    if (!headers.has("idempotency-key")) headers.set("idempotency-key", idempotencyKey);
    const body = encodePayload(input, headers);
    new Request(url, { method: input.method, headers, body });
    return { url, method: input.method, headers, body };
  } catch (error) {
    // Headers and Request reject bad header values and URLs with credentials in them.
    const message = `${label} cannot be sent: ${(error as Error).message}`;
    throw new StepFailure("invalid-request", message, { retryable: false, cause: error });
  }
}

function encodePayload(input: HttpInput, headers: Headers): string | undefined {
  if (input.json !== undefined) {
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    return JSON.stringify(input.json);
  }
  if (input.body !== undefined) {
    if (!headers.has("content-type")) headers.set("content-type", "text/plain; charset=utf-8");
    return input.body;
  }
  return undefined;
}

async function readResponse(response: Response, input: HttpInput, label: string) {
  if (matchesStatus(response.status, input.failOn)) {
    throw await createStatusFailure(response, input, label);
  }

  const { bytes, complete } = await readCapped(response, input.maxResponseBytes);
  if (!complete) {
    const cap = formatBytes(input.maxResponseBytes);
    const message = `response body is larger than maxResponseBytes (${cap})`;
    throw new StepFailure("response-too-large", message, { retryable: false });
  }

  const body = decodeBody(bytes, response.headers.get("content-type"), label);
  return { status: response.status, headers: Object.fromEntries(response.headers), body };
}

async function createStatusFailure(
  response: Response,
  input: HttpInput,
  label: string,
): Promise<StepFailure> {
  const { bytes, complete } = await readBody(response, DETAIL_BYTES);
  const body = previewBody(bytes, complete, response.headers.get("content-type"), label);
  const reason = response.statusText || STATUS_CODES[response.status];
  const message = `${label} answered ${response.status}${reason ? ` ${reason}` : ""}`;

  return new StepFailure("http-status", message, {
    retryable: matchesStatus(response.status, input.retryOn),
    details: { status: response.status, body, truncated: !complete },
  });
}

/** Like readBody, but gives up at once when the declared length is already past the cap. */
async function readCapped(response: Response, cap: number) {
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (Number.isNaN(declared) || declared <= cap) return readBody(response, cap);

  await response.body?.cancel();
  return { bytes: Buffer.alloc(0), complete: false };
}

/** Reads at most `limit` bytes; `complete` is false when the body was longer and was cut off. */
async function readBody(response: Response, limit: number) {
  const reader = response.body?.getReader();
  if (!reader) return { bytes: Buffer.alloc(0), complete: true };
  const chunks: Uint8Array[] = [];
  let size = 0;

  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { bytes: Buffer.concat(chunks, size), complete: true };
    if (size + value.byteLength > limit) {
      chunks.push(value.subarray(0, limit - size));
      // Cancelling the stream closes the connection instead of downloading the rest.
      await reader.cancel();
      return { bytes: Buffer.concat(chunks, limit), complete: false };
    }
    chunks.push(value);
    size += value.byteLength;
  }
}

function decodeBody(bytes: Buffer, contentType: string | null, label: string): unknown {
  const { mime, charset } = parseContentType(contentType);
  if (isJson(mime)) {
    return bytes.length === 0 ? null : parseJson(decodeText(bytes, charset), label);
  }
  if (isText(mime)) return decodeText(bytes, charset);
  return bytes.length === 0 ? null : { base64: bytes.toString("base64"), size: bytes.length };
}

/** The body of a failed response as far as it was read; never throws on malformed JSON. */
function previewBody(bytes: Buffer, complete: boolean, contentType: string | null, label: string) {
  const { mime, charset } = parseContentType(contentType);
  const textual = isJson(mime) || isText(mime);
  if (!complete) return textual ? decodeText(bytes, charset) : { base64: bytes.toString("base64") };

  try {
    return decodeBody(bytes, contentType, label);
  } catch {
    return decodeText(bytes, charset);
  }
}

function parseJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = `${label} answered invalid JSON: ${(error as Error).message}`;
    throw new StepFailure("invalid-json", message, { retryable: false, cause: error });
  }
}

function parseContentType(header: string | null): { mime: string; charset: string } {
  const [mime = "", ...params] = (header ?? "").split(";").map((part) => part.trim());
  const charset = params.find((param) => param.toLowerCase().startsWith("charset="));
  return { mime: mime.toLowerCase(), charset: charset?.slice(8).replace(/"/g, "") || "utf-8" };
}

function isJson(mime: string): boolean {
  return mime === "application/json" || mime.endsWith("+json");
}

function isText(mime: string): boolean {
  return (
    mime.startsWith("text/") ||
    mime === "application/xml" ||
    mime.endsWith("+xml") ||
    mime === "application/x-www-form-urlencoded"
  );
}

function decodeText(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    // An unknown charset label: UTF-8 is the most likely right guess.
    return new TextDecoder().decode(bytes);
  }
}

function matchesStatus(status: number, patterns: readonly (string | number)[]): boolean {
  return patterns.some((pattern) => {
    const text = String(pattern);
    return text.endsWith("xx") ? text[0] === String(status)[0] : Number(text) === status;
  });
}

function parseHttpUrl(value: string): URL | undefined {
  const url = URL.parse(value);
  return url && (url.protocol === "http:" || url.protocol === "https:") ? url : undefined;
}

function hasPayload(input: { json?: unknown; body?: string }): boolean {
  return input.json !== undefined || input.body !== undefined;
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.message || cause?.code || (error as Error).message;
}

function formatBytes(bytes: number): string {
  if (bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
