import { fetch, Headers, type Response } from "undici";
import { StepFailure } from "../../errors.ts";
import { type HttpGuard, RefusedHostError } from "./http-guard.ts";

/** Redirects followed before giving up; fetch's own limit of 20 is more than any API needs. */
export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Headers that describe a body, dropped when a redirect turns the request into a GET. */
const BODY_HEADERS = [
  "content-type",
  "content-length",
  "content-encoding",
  "content-language",
  "content-location",
];
/** Credentials meant for one origin, which a redirect must not carry to another. */
const ORIGIN_HEADERS = ["authorization", "cookie", "proxy-authorization"];

/** One request as sent; a redirect derives the next one from it. */
export interface OutgoingRequest {
  url: URL;
  method: string;
  headers: Headers;
  body: string | undefined;
}

/**
 * Sends `request` through the guard and follows redirects by hand, so that every hop's
 * host is checked (an IP literal never reaches the guard's DNS lookup); resolves with the
 * first response that is not a redirect.
 */
export async function guardedFetch(
  guard: HttpGuard,
  request: OutgoingRequest,
  signal: AbortSignal,
): Promise<Response> {
  let hop = request;
  let from: URL | undefined;

  for (let redirects = 0; ; redirects += 1) {
    const response = await send(guard, hop, from, signal);
    const location = response.headers.get("location");
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return response;

    await response.body?.cancel();
    if (redirects === MAX_REDIRECTS) {
      const message = `${describe(request.url)} redirected more than ${MAX_REDIRECTS} times`;
      throw new StepFailure("too-many-redirects", message, { retryable: false });
    }
    from = hop.url;
    hop = followRedirect(hop, response.status, location);
  }
}

async function send(
  guard: HttpGuard,
  hop: OutgoingRequest,
  from: URL | undefined,
  signal: AbortSignal,
): Promise<Response> {
  try {
    guard.checkHost(hop.url);
    const { url, method, headers, body } = hop;
    const init = { method, headers, body, signal, redirect: "manual" as const };
    return await fetch(url, { ...init, dispatcher: guard.dispatcher });
  } catch (error) {
    const refused = findRefusal(error);
    if (!refused) throw error;
    const redirected = from ? ` (redirected from ${describe(from)})` : "";
    const message =
      `http step refused ${describe(hop.url)}${redirected}: ` +
      `${refused.reason}; allow it with WEFT_HTTP_ALLOW_HOSTS`;
    throw new StepFailure("blocked-address", message, { retryable: false, cause: error });
  }
}

/** The next request after a redirect, with fetch's rules for method, body and credentials. */
function followRedirect(hop: OutgoingRequest, status: number, location: string): OutgoingRequest {
  const url = URL.parse(location, hop.url.href);
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    const message = `${describe(hop.url)} redirected to a location that is not http or https`;
    throw new StepFailure("invalid-redirect", message, { retryable: false });
  }
  if (url.username || url.password) {
    const message = `${describe(hop.url)} redirected to a URL with credentials in it`;
    throw new StepFailure("invalid-redirect", message, { retryable: false });
  }

  const headers = new Headers(hop.headers);
  if (url.origin !== hop.url.origin) for (const name of ORIGIN_HEADERS) headers.delete(name);
  const toGet =
    (status === 303 && hop.method !== "GET" && hop.method !== "HEAD") ||
    ((status === 301 || status === 302) && hop.method === "POST");
  if (!toGet) return { url, method: hop.method, headers, body: hop.body };

  for (const name of BODY_HEADERS) headers.delete(name);
  return { url, method: "GET", headers, body: undefined };
}

function findRefusal(error: unknown): RefusedHostError | undefined {
  if (error instanceof RefusedHostError) return error;
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause instanceof RefusedHostError ? cause : undefined;
}

/** A URL without its query, which may carry tokens. */
function describe(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
