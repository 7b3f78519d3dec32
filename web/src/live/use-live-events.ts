import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "@tanstack/react-router";
import { useEffect, useRef, useSyncExternalStore } from "react";
import { type SessionState, sessionQuery } from "../auth/session.ts";
import type { LiveEvent } from "./feed-messages.ts";
import type { FeedStatus } from "./live-feed.ts";
import { sharedLiveFeed } from "./shared-feed.ts";
import type { LiveFilter } from "./subscription-registry.ts";

/** Where the tab's live feed stands; `open` means events arrive as they happen. */
export function useLiveStatus(): FeedStatus {
  const feed = sharedLiveFeed();
  const status = useSyncExternalStore(
    (onChange) => feed.onStatus(onChange),
    () => feed.status,
  );
  useSignOutWhenFeedEnds(status);
  return status;
}

/**
 * Calls `onEvent` with each event of the filter's run or workflow (ids) while mounted; an
 * empty filter subscribes to nothing. `onSubscribed` runs each time the server confirms the
 * subscription, on the first connection and after every reconnect, so that a caller can
 * read again what it may have missed meanwhile. The callbacks may change on every render.
 */
export function useLiveEvents(
  filter: LiveFilter,
  onEvent: (event: LiveEvent) => void,
  options: { onSubscribed?: () => void } = {},
): void {
  const callbacks = useRef({ onEvent, onSubscribed: options.onSubscribed });
  callbacks.current = { onEvent, onSubscribed: options.onSubscribed };
  useLiveStatus();

  const { runId, workflowId } = filter;
  useEffect(() => {
    if (!runId && !workflowId) return;
    return sharedLiveFeed().subscribe(
      { runId, workflowId },
      {
        onEvent: (event) => callbacks.current.onEvent(event),
        onSubscribed: () => callbacks.current.onSubscribed?.(),
      },
    );
  }, [runId, workflowId]);
}

/**
 * The server closes the feed with 4401 when the session behind it ends: the tab is then
 * signed out, as an API answer of 401 makes it (app.tsx), and goes to sign in.
 */
function useSignOutWhenFeedEnds(status: FeedStatus): void {
  const client = useQueryClient();
  const router = useRouter();
  useEffect(() => {
    if (status !== "signed-out") return;
    if (client.getQueryData<SessionState>(sessionQuery.queryKey)?.status === "signed-out") return;
    client.setQueryData<SessionState>(sessionQuery.queryKey, { status: "signed-out" });
    void router.navigate({ to: "/sign-in", search: { redirect: router.state.location.href } });
  }, [status, client, router]);
}
