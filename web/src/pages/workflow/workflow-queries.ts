import { queryOptions } from "@tanstack/react-query";
import type { RunPage, WorkflowDetail } from "../../api/answers.ts";
import { api, requireOk } from "../../api/client.ts";

/** GET /api/v1/workflows/:id, by id or name, cached under `["workflow", idOrName]`. */
export function workflowQuery(idOrName: string) {
  return queryOptions({
    queryKey: ["workflow", idOrName],
    queryFn: () =>
      requireOk<WorkflowDetail>(
        api.GET("/api/v1/workflows/{id}", { params: { path: { id: idOrName } } }),
      ),
  });
}

/** Which of a workflow's runs to read: a comma list of statuses (any when absent), how many. */
export interface WorkflowRunsFilter {
  status?: string;
  limit: number;
}

/** The newest runs of one workflow, under `["workflow-runs", workflowId, filter]`. */
export function workflowRunsQuery(workflowId: string, filter: WorkflowRunsFilter) {
  return queryOptions({
    queryKey: ["workflow-runs", workflowId, filter],
    queryFn: () =>
      requireOk<RunPage>(
        api.GET("/api/v1/runs", {
          params: {
            query: {
              workflow: workflowId,
              limit: filter.limit,
              ...(filter.status ? { status: filter.status } : {}),
            },
          },
        }),
      ),
  });
}

/** The prefix of every workflowRunsQuery of one workflow, to read them all again. */
export function workflowRunsKey(workflowId: string) {
  return ["workflow-runs", workflowId] as const;
}

/** Run statuses that are not over yet, as the runs filter takes them. */
export const OPEN_RUN_STATUSES = "queued,running";
