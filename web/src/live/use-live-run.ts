import { queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import type { RunDetail } from "../api/answers.ts";
import { api, requireOk } from "../api/client.ts";
import { type CoalescedRefresh, createCoalescedRefresh } from "./coalesced-refresh.ts";
import { useLiveEvents, useLiveStatus } from "./use-live-events.ts";

/** The least time between two reads of a run while its events stream in. */
const REFRESH_GAP_MS = 250;
/** How often an open run is read while the feed is not connected. */
const POLL_WITHOUT_FEED_MS = 5000;

/** GET /api/v1/runs/:id, cached under `["run", runId]`. */
export function runQuery(runId: string) {
  return queryOptions({
    queryKey: ["run", runId],
    queryFn: () =>
      requireOk<RunDetail>(api.GET("/api/v1/runs/{id}", { params: { path: { id: runId } } })),
  });
}

/**
 * A run, kept current from the live feed. Each batch of the run's events reads the whole run
 * again (at most one read in flight and one every 250 ms, see createCoalescedRefresh) rather
 * than patching the cache from events: the server's answer stays the one source of truth
 * (attempts, durations, outputs) and a missed or reordered event cannot leave it wrong. Every
 * confirmation of the subscription (the first, and each one after a reconnect) reads it again
 * too, so nothing that happened before the feed was listening is lost; while the feed is not
 * connected an open run is read every 5 s instead. `live` is true while the socket is open.
 */
export function useLiveRun(runId: string | undefined): {
  run: RunDetail | undefined;
  error: unknown;
  isLoading: boolean;
  live: boolean;
} {
  const client = useQueryClient();
  const status = useLiveStatus();
  const live = status === "open";
  const query = useQuery({
    ...runQuery(runId ?? ""),
    enabled: runId !== undefined,
    // Without the feed (a proxy that drops WebSockets, a long reconnect) an open run is
    // still read now and then, so the page never freezes on a stale state.
    refetchInterval: (q) =>
      !live && q.state.data?.endedAt === null ? POLL_WITHOUT_FEED_MS : false,
  });

  const refresh = useRef<CoalescedRefresh | undefined>(undefined);
  useEffect(() => {
    if (!runId) return;
    const reader = createCoalescedRefresh(
      () => client.refetchQueries({ queryKey: ["run", runId], exact: true }),
      REFRESH_GAP_MS,
    );
    refresh.current = reader;
    return () => reader.cancel();
  }, [client, runId]);
  const request = () => refresh.current?.request();
  useLiveEvents({ runId }, request, { onSubscribed: request });

  return {
    run: query.data,
    error: query.error,
    isLoading: query.isLoading,
    live,
  };
}
