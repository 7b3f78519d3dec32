import { queryOptions } from "@tanstack/react-query";
import type {
  RunPage,
  RunsByStatus,
  SlowestWorkflows,
  StatsSummary,
  UpcomingSchedules,
} from "../../../api/answers.ts";
import { api, requireOk } from "../../../api/client.ts";
import type { StatsRange } from "../widget-kinds.ts";

/** A dashboard stays current while it is open; widgets of one kind and range share a query. */
const REFRESH_MS = 30_000;

export function runsByStatusQuery(range: StatsRange) {
  return queryOptions({
    queryKey: ["stats", "runs-by-status", range],
    queryFn: () =>
      requireOk<RunsByStatus>(
        api.GET("/api/v1/stats/runs-by-status", { params: { query: { range } } }),
      ),
    refetchInterval: REFRESH_MS,
  });
}

export function summaryQuery(range: StatsRange) {
  return queryOptions({
    queryKey: ["stats", "summary", range],
    queryFn: () =>
      requireOk<StatsSummary>(api.GET("/api/v1/stats/summary", { params: { query: { range } } })),
    refetchInterval: REFRESH_MS,
  });
}

export function slowestQuery(range: StatsRange, limit: number) {
  return queryOptions({
    queryKey: ["stats", "slowest-workflows", range, limit],
    queryFn: () =>
      requireOk<SlowestWorkflows>(
        api.GET("/api/v1/stats/slowest-workflows", { params: { query: { range, limit } } }),
      ),
    refetchInterval: REFRESH_MS,
  });
}

export function upcomingQuery(limit: number) {
  return queryOptions({
    queryKey: ["stats", "upcoming-schedules", limit],
    queryFn: () =>
      requireOk<UpcomingSchedules>(
        api.GET("/api/v1/stats/upcoming-schedules", { params: { query: { limit } } }),
      ),
    refetchInterval: REFRESH_MS,
  });
}

export function recentFailuresQuery(limit: number) {
  return queryOptions({
    queryKey: ["dashboard", "recent-failures", limit],
    queryFn: () =>
      requireOk<RunPage>(
        api.GET("/api/v1/runs", { params: { query: { status: "failed", limit } } }),
      ),
    refetchInterval: REFRESH_MS,
  });
}

/** Whether this Weft has run anything at all: an empty widget says why it is empty. */
export const anyRunsQuery = queryOptions({
  queryKey: ["dashboard", "any-runs"],
  queryFn: async () => {
    const page = await requireOk<RunPage>(
      api.GET("/api/v1/runs", { params: { query: { limit: 1 } } }),
    );
    return page.items.length > 0;
  },
  refetchInterval: REFRESH_MS,
});
