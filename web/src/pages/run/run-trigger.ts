import type { RunDetail } from "../../api/answers.ts";

/** A stored error as the engine records it (server/src/events/event-map.ts's ErrorInfo). */
export interface ShownError {
  kind: string;
  message: string;
}

/** Run statuses from which a run can still be cancelled. */
const OPEN = new Set(["queued", "running"]);
/** Run statuses that a retry starts again from (the engine refuses any other). */
const RETRYABLE = new Set(["failed", "cancelled"]);

export const isOpenRun = (run: { status: string }) => OPEN.has(run.status);
export const isRetryableRun = (run: { status: string }) => RETRYABLE.has(run.status);

const field = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;

/** Who or what started a run, in words, from its stored trigger. */
export function startedBy(run: Pick<RunDetail, "trigger" | "triggerType" | "triggerId">): string {
  const trigger = run.trigger;
  const user = field(trigger, "user");
  if (run.triggerType === "manual")
    return typeof user === "string" ? `started by ${user}` : "started by hand";
  if (run.triggerType === "schedule") {
    const at = field(trigger, "scheduledAt");
    const slot = typeof at === "string" ? ` for ${new Date(at).toLocaleString()}` : "";
    return `schedule ${run.triggerId ?? "schedule"}${slot}`;
  }
  if (run.triggerType === "webhook") {
    const method = field(trigger, "method");
    return `webhook ${run.triggerId ?? "webhook"}${typeof method === "string" ? ` (${method})` : ""}`;
  }
  return run.triggerType;
}

/** What the run was given: a manual or scheduled run's input, a webhook delivery's body. */
export function runInput(run: Pick<RunDetail, "trigger" | "triggerType">): unknown {
  const input =
    run.triggerType === "webhook" ? field(run.trigger, "body") : field(run.trigger, "input");
  return input ?? null;
}

/** A stored error's kind and message, or undefined for anything else. */
export function shownError(value: unknown): ShownError | undefined {
  const message = field(value, "message");
  if (typeof message !== "string") return undefined;
  const kind = field(value, "kind");
  return { kind: typeof kind === "string" ? kind : "error", message };
}
