/** Reading a page's filters back from its URL, where anything may have been typed. */

/** A trimmed text of at most `maxLength` characters; blank, or not text, is none. */
export function searchText(value: unknown, maxLength: number): string | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  return value.trim().slice(0, maxLength);
}

/**
 * An ISO 8601 instant, normalised; one without a zone is none, since the API would read a
 * bare date-time differently from the browser.
 */
export function searchInstant(value: unknown): string | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(value.trim())) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
