/** The Workflows page's filters, kept in the URL so that a filtered view can be shared. */
export interface WorkflowSearch {
  q?: string;
  tag?: string;
}

/** Reads the filters from the URL's search params, dropping blanks and anything not a string. */
export function parseWorkflowSearch(search: Record<string, unknown>): WorkflowSearch {
  const text = (value: unknown) =>
    typeof value === "string" && value.trim() !== "" ? value.trim().slice(0, 100) : undefined;
  const q = text(search.q);
  const tag = text(search.tag);
  return { ...(q ? { q } : {}), ...(tag ? { tag } : {}) };
}

export function hasFilters(search: WorkflowSearch): boolean {
  return search.q !== undefined || search.tag !== undefined;
}
