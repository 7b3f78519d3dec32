import { type QueryClient, queryOptions } from "@tanstack/react-query";
import type { VersionDetail, VersionList } from "../../api/answers.ts";
import { api, requireOk } from "../../api/client.ts";

/** GET /api/v1/workflows/:id/versions, newest first. */
export function versionListQuery(workflowId: string) {
  return queryOptions({
    queryKey: ["workflow-versions", workflowId],
    queryFn: () =>
      requireOk<VersionList>(
        api.GET("/api/v1/workflows/{id}/versions", { params: { path: { id: workflowId } } }),
      ),
  });
}

/** One version; a version never changes, so it is read once per page load. */
export function versionQuery(workflowId: string, version: number) {
  return queryOptions({
    queryKey: ["workflow-version", workflowId, version],
    queryFn: () =>
      requireOk<VersionDetail>(
        api.GET("/api/v1/workflows/{id}/versions/{version}", {
          params: { path: { id: workflowId, version } },
        }),
      ),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** The text a version was saved as; without one, its definition as JSON (which is YAML too). */
export function versionText(version: VersionDetail): string {
  return version.source || `${JSON.stringify(version.definition, null, 2)}\n`;
}

/** After a save: the workflow (any key it is read under), its versions and the list. */
export function refreshAfterSave(queryClient: QueryClient, workflowId: string): Promise<unknown> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: ["workflow"] }),
    queryClient.invalidateQueries({ queryKey: ["workflow-versions", workflowId] }),
    queryClient.invalidateQueries({ queryKey: ["workflows"] }),
  ]);
}
