import { searchInstant, searchText } from "../../format/search-values.ts";

/** The Runs page's filters, kept in the URL so that a filtered view can be shared or reloaded. */

/** The API's run statuses and trigger types (server/src/http/run-filter.ts), in display order. */
export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export const TRIGGER_TYPES = ["manual", "webhook", "schedule"] as const;

export type RunStatus = (typeof RUN_STATUSES)[number];
export type TriggerType = (typeof TRIGGER_TYPES)[number];

export interface RunSearch {
  /** Comma-separated statuses, in RUN_STATUSES order, so that the URL stays readable. */
  status?: string;
  /** A workflow's id or name, as the API takes it. */
  workflow?: string;
  trigger?: TriggerType;
  /** A workflow tag the runs carry. */
  tag?: string;
  /** Text the run's error message contains. */
  error?: string;
  /** ISO 8601 instants. */
  from?: string;
  to?: string;
}

/** Reads the filters from the URL's search params, dropping blanks and values the API refuses. */
export function parseRunSearch(search: Record<string, unknown>): RunSearch {
  const status = statusesOf(search.status);
  const workflow = searchText(search.workflow, 200);
  const tag = searchText(search.tag, 200);
  const error = searchText(search.error, 200);
  const trigger = TRIGGER_TYPES.find((t) => t === search.trigger);
  const from = searchInstant(search.from);
  const to = searchInstant(search.to);
  return {
    ...(status.length > 0 ? { status: status.join(",") } : {}),
    ...(workflow ? { workflow } : {}),
    ...(trigger ? { trigger } : {}),
    ...(tag ? { tag } : {}),
    ...(error ? { error } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

/** The statuses a search chooses, from its comma list (or an array, as a router may hand it). */
export function statusesOf(value: unknown): RunStatus[] {
  const parts = Array.isArray(value)
    ? value
    : typeof value === "string"
      ? value.split(",").map((s) => s.trim())
      : [];
  return RUN_STATUSES.filter((status) => parts.includes(status));
}

export function hasRunFilters(search: RunSearch): boolean {
  return Object.values(search).some((value) => value !== undefined);
}

/** The query parameters of GET /api/v1/runs and of its export for these filters. */
export function runFilterParams(search: RunSearch): Record<string, string> {
  const params: Record<string, string> = {};
  for (const key of ["status", "workflow", "trigger", "tag", "error", "from", "to"] as const) {
    const value = search[key];
    if (value !== undefined) params[key] = value;
  }
  return params;
}

/** Where the export of exactly the runs these filters show downloads from. */
export function runExportHref(search: RunSearch, format: "csv" | "json"): string {
  const query = new URLSearchParams({ format, ...runFilterParams(search) });
  return `/api/v1/runs/export?${query.toString()}`;
}
