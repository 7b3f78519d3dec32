import { queryOptions } from "@tanstack/react-query";
import type { WorkflowDetail } from "../../api/answers.ts";
import { ApiError } from "../../api/api-error.ts";
import { api, requireOk } from "../../api/client.ts";

/**
 * The workflow already saved under `name`, or null: saving a definition with a taken name
 * makes a new version of that workflow, and the Create button says so beforehand.
 */
export function existingWorkflowQuery(name: string) {
  return queryOptions({
    // Not the workflow page's key: this answer may be null, which that page never expects.
    queryKey: ["workflow-name", name],
    queryFn: async (): Promise<WorkflowDetail | null> => {
      try {
        return await requireOk<WorkflowDetail>(
          api.GET("/api/v1/workflows/{id}", { params: { path: { id: name } } }),
        );
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
    retry: false,
  });
}
