import { queryOptions } from "@tanstack/react-query";
import type { WorkflowDefinition } from "../../../../server/src/engine/definition.ts";
import { api, requireOk } from "../../api/client.ts";

/** GET /api/v1/workflows/:id/versions/:version (the route answers this shape inline). */
export interface WorkflowVersionDetail {
  version: number;
  definition: WorkflowDefinition;
  source: string;
  createdAt: string;
}

/** The version a run started on: its steps' configuration and needs. Versions never change. */
export function workflowVersionQuery(workflowId: string, version: number) {
  return queryOptions({
    queryKey: ["workflow-version", workflowId, version],
    queryFn: () =>
      requireOk<WorkflowVersionDetail>(
        api.GET("/api/v1/workflows/{id}/versions/{version}", {
          params: { path: { id: workflowId, version } },
        }),
      ),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
