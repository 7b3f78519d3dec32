import type { StepRunStatus } from "../store/schema.ts";
import type { RunPlan } from "./run-plan.ts";

const TERMINAL: ReadonlySet<StepRunStatus> = new Set([
  "succeeded",
  "failed",
  "skipped",
  "cancelled",
]);

/** Whether a step run has ended. */
export function isTerminal(status: StepRunStatus): boolean {
  return TERMINAL.has(status);
}

/** What a run's step statuses imply next. */
export interface Advance {
  /** Pending steps whose needs are met: they get an attempt now. */
  ready: string[];
  /** Pending steps all of whose needs were skipped: they are skipped too. */
  skipped: string[];
  /** Set when every step run has ended after applying `ready` and `skipped`. */
  outcome?: "succeeded" | "failed";
}

/**
 * The run state machine's one rule: a pending step becomes ready when each of its needs
 * succeeded or was skipped, unless all of them were skipped, which skips it as well.
 */
export function advance(plan: RunPlan, statuses: ReadonlyMap<string, StepRunStatus>): Advance {
  const current = new Map(statuses);
  const ready: string[] = [];
  const skipped: string[] = [];

  let changed = true;
  while (changed) {
    changed = false;
    for (const step of plan.definition.steps) {
      if (current.get(step.id) !== "pending") continue;
      const needs = step.needs.map((id) => current.get(id));
      if (!needs.every((s) => s === "succeeded" || s === "skipped")) continue;

      const allSkipped = needs.length > 0 && needs.every((s) => s === "skipped");
      current.set(step.id, allSkipped ? "skipped" : "queued");
      (allSkipped ? skipped : ready).push(step.id);
      changed = changed || allSkipped;
    }
  }

  const all = [...current.values()];
  if (!all.every(isTerminal)) return { ready, skipped };
  const failed = all.some((s) => s === "failed" || s === "cancelled");
  return { ready, skipped, outcome: failed ? "failed" : "succeeded" };
}
