import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import type { DashboardAnswer, DashboardWidget } from "../../api/answers.ts";
import { api, requireOk } from "../../api/client.ts";

export const LAYOUT_QUERY_KEY = ["dashboard-layout"] as const;

export type SaveState =
  | { status: "idle" }
  | { status: "saving" }
  | { status: "saved" }
  | { status: "failed"; error: unknown };

/**
 * Saves the layout a moment after the last change (drags and menu clicks come in bursts).
 * Saves run one at a time and each sends the newest layout, so the last change wins even when
 * an earlier save is still on its way. A save still waiting when the page goes is sent then.
 */
export function useLayoutSaver(delayMs = 500) {
  const client = useQueryClient();
  const [state, setState] = useState<SaveState>({ status: "idle" });
  const pending = useRef<DashboardWidget[] | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const chain = useRef<Promise<void>>(Promise.resolve());

  const sendPending = useCallback(async () => {
    const widgets = pending.current;
    if (!widgets) return;
    pending.current = null;
    try {
      const saved = await requireOk<DashboardAnswer>(
        api.PUT("/api/v1/me/dashboard", { body: { widgets } }),
      );
      client.setQueryData(LAYOUT_QUERY_KEY, saved);
      if (!pending.current) setState({ status: "saved" });
    } catch (error) {
      if (!pending.current) setState({ status: "failed", error });
    }
  }, [client]);

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
    chain.current = chain.current.then(sendPending);
    return chain.current;
  }, [sendPending]);

  const save = useCallback(
    (widgets: DashboardWidget[]) => {
      pending.current = widgets;
      setState({ status: "saving" });
      clearTimeout(timer.current);
      timer.current = setTimeout(flush, delayMs);
    },
    [flush, delayMs],
  );

  /** Drops what waits to be saved and waits for a save under way, as a reset must. */
  const discard = useCallback(async () => {
    clearTimeout(timer.current);
    timer.current = undefined;
    pending.current = null;
    await chain.current;
    setState({ status: "idle" });
  }, []);

  // Leaving the page sends what waits; closing or reloading the tab too, as a keepalive
  // request that outlives the page.
  useEffect(() => () => void flush(), [flush]);
  useEffect(() => {
    const sendBeforeLeaving = () => {
      const widgets = pending.current;
      if (!widgets) return;
      pending.current = null;
      void api.PUT("/api/v1/me/dashboard", { body: { widgets }, keepalive: true });
    };
    window.addEventListener("pagehide", sendBeforeLeaving);
    return () => window.removeEventListener("pagehide", sendBeforeLeaving);
  }, []);

  return { state, save, discard };
}
