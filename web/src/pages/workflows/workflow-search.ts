import { searchText } from "../../format/search-values.ts";

/** The Workflows page's filters, kept in the URL so that a filtered view can be shared. */
export interface WorkflowSearch {
  q?: string;
  tag?: string;
}

/** Reads the filters from the URL's search params, dropping blanks and anything not a string. */
export function parseWorkflowSearch(search: Record<string, unknown>): WorkflowSearch {
  const q = searchText(search.q, 100);
  const tag = searchText(search.tag, 100);
  return { ...(q ? { q } : {}), ...(tag ? { tag } : {}) };
}

export function hasFilters(search: WorkflowSearch): boolean {
  return search.q !== undefined || search.tag !== undefined;
}
