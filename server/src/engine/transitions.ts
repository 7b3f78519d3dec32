import type { Logger } from "pino";
import type { EventBus } from "../events/event-bus.ts";
import type { ErrorInfo, RunEvent, RunEventMap, RunEventType } from "../events/event-map.ts";
import type { Queue, WakeUp } from "../queue/queue.ts";
import type { Db } from "../store/database.ts";
import type { GroupCommitter } from "../store/group-commit.ts";
import { newId } from "../store/ids.ts";
import {
  cancelOpenWork,
  getLeafOutputs,
  getStepRunRefs,
  insertAttempts,
  insertEvents,
  type NewAttempt,
  setRunStatus,
  setStepRunsStatus,
} from "../store/runs.ts";
import { advance } from "./advance.ts";
import type { RunPlan } from "./run-plan.ts";
import { fromStoredJson, type StoredValueOptions, toStoredJson } from "./stored-value.ts";

/** The run a transition is about. */
export interface RunRef {
  runId: string;
  workflowId: string;
}

/**
 * What one transaction of the state machine changes besides its rows: the events it
 * records and the work it makes due. They take effect only after the commit.
 */
export class Transition {
  readonly now = Date.now();
  readonly events: RunEvent[] = [];
  readonly attempts: NewAttempt[] = [];
  readonly wakes: { stepRunId: string; at: number }[] = [];
  readonly abortedRuns: string[] = [];

  emit<T extends RunEventType>(type: T, ref: RunRef, data: RunEventMap[T], stepId?: string): void {
    const event = {
      type,
      runId: ref.runId,
      workflowId: ref.workflowId,
      data,
      at: new Date(this.now).toISOString(),
    };
    this.events.push(stepId === undefined ? event : { ...event, stepId });
  }

  /** Queues a new attempt of a step run, available at `availableAt`. */
  addAttempt(
    ref: RunRef,
    stepRunId: string,
    stepId: string,
    number: number,
    availableAt = this.now,
  ): void {
    const attempt = {
      id: newId(this.now),
      stepRunId,
      runId: ref.runId,
      stepId,
      number,
      availableAt,
      createdAt: this.now,
    };
    this.attempts.push(attempt);
  }
}

/** What transitions need from the engine around them. */
export interface TransitionHost {
  db: Db;
  /** Shares commits between state changes; every change goes through it. */
  committer: GroupCommitter;
  queue: Queue;
  bus: EventBus;
  logger: Logger;
  stored: StoredValueOptions;
  armWake(stepRunId: string, at: number): void;
  abortRun(runId: string): void;
}

/** Runs one state change in a write transaction, then publishes what it recorded. */
export async function commit<T>(
  host: TransitionHost,
  fn: (tx: Db, t: Transition) => Promise<T>,
): Promise<T> {
  // Made inside the shared transaction, so `now` is the time of the change, not of the ask.
  let t: Transition | undefined;
  const result = await host.committer.run(async (tx) => {
    t = new Transition();
    const value = await fn(tx, t);
    await insertAttempts(tx, t.attempts);
    await insertEvents(tx, t.events);
    return value;
  });
  afterCommit(host, t!);
  return result;
}

function afterCommit(host: TransitionHost, t: Transition): void {
  for (const runId of t.abortedRuns) host.abortRun(runId);
  const wakeUps: WakeUp[] = t.attempts.map((a) => ({
    attemptId: a.id,
    availableAt: a.availableAt,
  }));
  if (wakeUps.length > 0) host.queue.dispatch(wakeUps);
  for (const wake of t.wakes) host.armWake(wake.stepRunId, wake.at);
  for (const event of t.events) logEvent(host.logger, event);
  host.bus.publish(t.events);
}

const LOG_STEP_LEVELS = new Set(["info", "warn", "error"]);

function logEvent(logger: Logger, event: RunEvent): void {
  const { level: stepLevel, ...data } = event.data as Record<string, unknown>;
  const fields = {
    runId: event.runId,
    workflowId: event.workflowId,
    stepId: event.stepId,
    ...data,
  };
  // A log step's own level is the line's level: as a field it would clash with pino's.
  const level =
    event.type === "step:log" && LOG_STEP_LEVELS.has(String(stepLevel))
      ? (stepLevel as "info" | "warn" | "error")
      : event.type.endsWith(":failed")
        ? "warn"
        : "info";
  logger[level](fields, event.type.replace(":", " "));
}

/**
 * Applies the state machine's rule after a step run ended: queues the steps that became
 * ready, skips those left with only skipped needs, and ends the run when nothing is left.
 */
export async function advanceRun(
  tx: Db,
  t: Transition,
  host: TransitionHost,
  plan: RunPlan,
  ref: RunRef,
) {
  const refs = await getStepRunRefs(tx, ref.runId);
  const byStep = new Map(refs.map((r) => [r.step_id, r]));
  const next = advance(plan, new Map(refs.map((r) => [r.step_id, r.status])));

  const skippedIds = next.skipped.map((id) => byStep.get(id)!.id);
  await setStepRunsStatus(tx, skippedIds, "skipped", t.now);
  for (const stepId of next.skipped)
    t.emit("step:skipped", ref, { reason: "every step it needs was skipped" }, stepId);

  const readyIds = next.ready.map((id) => byStep.get(id)!.id);
  await setStepRunsStatus(tx, readyIds, "queued");
  for (const [i, stepId] of next.ready.entries())
    t.addAttempt(ref, readyIds[i]!, stepId, byStep.get(stepId)!.first_attempt);

  if (next.outcome === "succeeded") await succeedRun(tx, t, host, plan, ref);
}

async function succeedRun(tx: Db, t: Transition, host: TransitionHost, plan: RunPlan, ref: RunRef) {
  const leaves = await getLeafOutputs(tx, ref.runId, plan.leaves);
  const output: Record<string, unknown> = {};
  for (const leaf of leaves)
    if (leaf.status === "succeeded") output[leaf.step_id] = fromStoredJson(leaf.output);

  const durationMs = await endRun(tx, t, ref, {
    status: "succeeded",
    output: toStoredJson(output, host.stored),
  });
  if (durationMs !== undefined) t.emit("run:succeeded", ref, { durationMs });
}

/** Moves an open run to its end; returns how long it ran, or undefined if it had ended. */
async function endRun(
  tx: Db,
  t: Transition,
  ref: RunRef,
  fields: { status: "succeeded" | "failed"; output?: string | null; error?: string | null },
): Promise<number | undefined> {
  const run = await tx
    .selectFrom("runs")
    .select(["started_at", "created_at"])
    .where("id", "=", ref.runId)
    .executeTakeFirstOrThrow();
  const moved = await setRunStatus(tx, ref.runId, ["queued", "running"], {
    ...fields,
    ended_at: t.now,
  });
  return moved ? t.now - (run.started_at ?? run.created_at) : undefined;
}

/** Ends a run as failed: its open step runs and attempts are cancelled, running ones aborted. */
export async function failRun(
  tx: Db,
  t: Transition,
  host: TransitionHost,
  ref: RunRef,
  error: ErrorInfo,
) {
  const durationMs = await endRun(tx, t, ref, {
    status: "failed",
    error: toStoredJson(error, host.stored),
  });
  if (durationMs === undefined) return;
  await cancelOpenSteps(tx, t, ref);
  t.emit("run:failed", ref, { error, durationMs });
}

/** Cancels what is still open in a run and records a `step:cancelled` for each step. */
export async function cancelOpenSteps(tx: Db, t: Transition, ref: RunRef): Promise<void> {
  const cancelled = await cancelOpenWork(tx, ref.runId, t.now);
  for (const stepId of cancelled) t.emit("step:cancelled", ref, {}, stepId);
  if (cancelled.length > 0) t.abortedRuns.push(ref.runId);
}
