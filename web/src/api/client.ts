import createClient from "openapi-fetch";
import { toApiError } from "./api-error.ts";
import type { paths } from "./schema.gen.ts";

/**
 * The API client, typed from the server's OpenAPI document. Same origin and relative URLs
 * only: the session cookie rides along, and the browser's Origin header satisfies the
 * server's CSRF check on changes.
 */
export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });

/** Returns an answer's body, or throws an ApiError carrying the server's problem detail. */
export async function requireOk<T>(
  call: Promise<{ data?: unknown; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw toApiError(response, error);
  return data as T;
}
