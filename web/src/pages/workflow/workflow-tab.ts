/** The tabs of a workflow's page, in the order they show; the first is the default. */
export const WORKFLOW_TABS = ["graph", "definition", "versions", "triggers", "runs"] as const;

export type WorkflowTab = (typeof WORKFLOW_TABS)[number];

/** A workflow page's search: the open tab, left out of the URL when it is the default. */
export interface WorkflowPageSearch {
  tab?: Exclude<WorkflowTab, "graph">;
}

/** Reads `?tab=` from the URL, dropping anything that is not one of the tabs. */
export function parseWorkflowPageSearch(search: Record<string, unknown>): WorkflowPageSearch {
  const tab = WORKFLOW_TABS.find((name) => name === search.tab);
  return tab === undefined || tab === "graph" ? {} : { tab };
}

/** The search that opens `tab`. */
export function searchForTab(tab: string | null): WorkflowPageSearch {
  return parseWorkflowPageSearch({ tab });
}
