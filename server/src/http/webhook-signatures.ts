import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { WebhookTrigger } from "../engine/definition.ts";
import { formatDuration, parseDuration } from "../engine/duration.ts";
import { WeftError } from "../errors.ts";

type Verify = NonNullable<WebhookTrigger["verify"]>;

/** How far a signed timestamp may drift from now when the trigger does not say. */
export const DEFAULT_TOLERANCE_MS = 5 * 60_000;

const HEX_DIGEST = /^[0-9a-f]{64}$/;
const UNIX_SECONDS = /^\d{1,12}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A delivery as the signature check sees it: its headers and its body byte for byte. */
export interface SignedDelivery {
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

/**
 * Throws an `unauthorized` WeftError, naming the header and what is wrong with it, unless
 * `delivery` carries a valid signature of `verify.scheme` under `secret`, and (for schemes
 * that sign a timestamp) one within the tolerance of `nowMs`.
 */
export function requireValidSignature(
  verify: Verify,
  secret: string,
  delivery: SignedDelivery,
  nowMs = Date.now(),
): void {
  const toleranceMs = parseDuration(verify.tolerance ?? "") ?? DEFAULT_TOLERANCE_MS;
  const clock = { nowMs, toleranceMs };
  if (verify.scheme === "github") requireGitHub(secret, delivery);
  else if (verify.scheme === "stripe") requireStripe(secret, delivery, clock);
  else if (verify.scheme === "slack") requireSlack(secret, delivery, clock);
  else requireStandard(secret, delivery, clock);
}

interface Clock {
  nowMs: number;
  toleranceMs: number;
}

/** GitHub: `X-Hub-Signature-256: sha256=<hex>` over the body. */
function requireGitHub(secret: string, { headers, raw }: SignedDelivery): void {
  const name = "X-Hub-Signature-256";
  const header = requireHeader(headers, name);
  const digest = header.startsWith("sha256=") ? header.slice(7) : "";
  if (!HEX_DIGEST.test(digest)) malformed(name, "sha256=<hex digest>");
  if (!matches(digest, hmacHex(secret, [raw]))) mismatch(name);
}

/** Stripe: `Stripe-Signature: t=<seconds>,v1=<hex>[,v1=…]` over `t.body`. */
function requireStripe(secret: string, { headers, raw }: SignedDelivery, clock: Clock): void {
  const name = "Stripe-Signature";
  const fields = requireHeader(headers, name)
    .split(",")
    .map((item) => item.trim().split("="));
  const timestamp = fields.find(([key]) => key === "t")?.[1];
  const signatures = fields.filter(([key]) => key === "v1").map(([, value]) => value ?? "");
  if (!timestamp || !UNIX_SECONDS.test(timestamp) || signatures.length === 0) {
    malformed(name, "t=<unix seconds>,v1=<hex signature>");
  }

  const expected = hmacHex(secret, [`${timestamp}.`, raw]);
  if (!signatures.some((signature) => matches(signature, expected))) mismatch(name);
  requireFresh(`${name} timestamp`, timestamp, clock);
}

/** Slack: `X-Slack-Signature: v0=<hex>` over `v0:<X-Slack-Request-Timestamp>:body`. */
function requireSlack(secret: string, { headers, raw }: SignedDelivery, clock: Clock): void {
  const name = "X-Slack-Signature";
  const header = requireHeader(headers, name);
  const timestamp = requireTimestamp(headers, "X-Slack-Request-Timestamp");
  const digest = header.startsWith("v0=") ? header.slice(3) : "";
  if (!HEX_DIGEST.test(digest)) malformed(name, "v0=<hex digest>");

  if (!matches(digest, hmacHex(secret, [`v0:${timestamp}:`, raw]))) mismatch(name);
  requireFresh("X-Slack-Request-Timestamp", timestamp, clock);
}

/**
 * Standard Webhooks (standardwebhooks.com): `webhook-signature` lists `v1,<base64>` entries
 * signing `webhook-id.webhook-timestamp.body` under the key that `whsec_<base64>` encodes.
 */
function requireStandard(secret: string, { headers, raw }: SignedDelivery, clock: Clock): void {
  const key = decodeStandardSecret(secret);
  const id = requireHeader(headers, "webhook-id");
  const timestamp = requireTimestamp(headers, "webhook-timestamp");
  const name = "webhook-signature";
  const signatures = requireHeader(headers, name)
    .split(" ")
    .filter((entry) => entry.startsWith("v1,"))
    .map((entry) => entry.slice(3));
  if (signatures.length === 0) malformed(name, "v1,<base64 signature>");

  const expected = createHmac("sha256", key)
    .update(`${id}.${timestamp}.`)
    .update(raw)
    .digest("base64");
  if (!signatures.some((signature) => matches(signature, expected))) mismatch(name);
  requireFresh("webhook-timestamp", timestamp, clock);
}

function decodeStandardSecret(secret: string): Buffer {
  const encoded = secret.startsWith("whsec_") ? secret.slice(6) : secret;
  if (encoded.length === 0 || !BASE64.test(encoded)) {
    throw new WeftError(
      "unauthorized",
      "the webhook cannot be verified: its secret is not whsec_ followed by base64",
    );
  }
  return Buffer.from(encoded, "base64");
}

function requireHeader(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name.toLowerCase()];
  if (typeof value !== "string" || value.length === 0) {
    throw new WeftError("unauthorized", `missing ${name} header`);
  }
  return value;
}

function requireTimestamp(headers: IncomingHttpHeaders, name: string): string {
  const value = requireHeader(headers, name);
  if (!UNIX_SECONDS.test(value)) {
    throw new WeftError("unauthorized", `${name} header is not a Unix time in seconds`);
  }
  return value;
}

/** Refuses a replayed delivery: its signed timestamp must lie within the tolerance of now. */
function requireFresh(what: string, timestamp: string, { nowMs, toleranceMs }: Clock): void {
  const driftMs = nowMs - Number(timestamp) * 1000;
  if (Math.abs(driftMs) <= toleranceMs) return;

  const drift = formatDuration(Math.round(Math.abs(driftMs) / 1000) * 1000);
  const when = driftMs > 0 ? `${drift} old` : `${drift} in the future`;
  const message = `${what} is ${when}, outside the ${formatDuration(toleranceMs)} tolerance`;
  throw new WeftError("unauthorized", message);
}

function hmacHex(secret: string, parts: (string | Buffer)[]): string {
  const hmac = createHmac("sha256", secret);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
}

/** Constant-time equality; a length difference says nothing about the secret. */
function matches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function malformed(name: string, shape: string): never {
  throw new WeftError("unauthorized", `${name} header is malformed: expected ${shape}`);
}

function mismatch(name: string): never {
  throw new WeftError("unauthorized", `${name} does not match the body`);
}

/**
 * What names one delivery, so that a replay of a signed delivery (within its timestamp
 * window, or a sender's own retry) starts no second run: the sender's delivery id where the
 * scheme has one, else the signature itself, which only the sender can make.
 */
export function deliveryId(verify: Verify, headers: IncomingHttpHeaders): string | undefined {
  const header = (name: string) => {
    const value = headers[name];
    return typeof value === "string" && value.length > 0 ? value : undefined;
  };
  if (verify.scheme === "github")
    return header("x-github-delivery") ?? header("x-hub-signature-256");
  if (verify.scheme === "stripe") return header("stripe-signature");
  if (verify.scheme === "slack") {
    const signature = header("x-slack-signature");
    return signature && `${header("x-slack-request-timestamp") ?? ""}:${signature}`;
  }
  return header("webhook-id");
}
