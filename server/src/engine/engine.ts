import type { Logger } from "pino";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { EventBus } from "../events/event-bus.ts";
import { PeriodicLoop } from "../observability/periodic-loop.ts";
import type { Queue } from "../queue/queue.ts";
import type { Store } from "../store/database.ts";
import { createGroupCommitter } from "../store/group-commit.ts";
import { newId } from "../store/ids.ts";
import {
  findRunByDedupeKey,
  getLastAttemptNumbers,
  getStepRunRefs,
  insertRun,
  setRunStatus,
} from "../store/runs.ts";
import type { RunStatus } from "../store/schema.ts";
import { AttemptRunner } from "./attempt-runner.ts";
import { parseDuration } from "./duration.ts";
import { ExpressionPool } from "./expression-pool.ts";
import { RunEndWaiters } from "./run-end-waiters.ts";
import { RunPlanCache } from "./run-plan.ts";
import type { StepRegistry } from "./step-registry.ts";
import { type SecretSource, SecretTracker } from "./stored-value.ts";
import { Sweeper } from "./sweeper.ts";
import { advanceRun, cancelOpenSteps, commit, type TransitionHost } from "./transitions.ts";

export interface EngineOptions {
  store: Store;
  queue: Queue;
  bus: EventBus;
  registry: StepRegistry;
  logger: Logger;
  /** The instance's secrets, read live: usable as `{{ secrets.X }}`, masked when stored. */
  secrets: SecretSource;
  workerId: string;
  leaseMs: number;
  sweepIntervalMs: number;
  maxOutputBytes: number;
  maxLostAttempts: number;
}

/** How a run was asked for. */
export interface StartRunRequest {
  workflowId: string;
  /** Defaults to the workflow's current version. */
  version?: number;
  triggerType: "manual" | "webhook" | "schedule";
  triggerId?: string;
  /** What the run's expressions see as `trigger`. */
  trigger: unknown;
  /** A second start with the same key returns the first run instead of a new one. */
  dedupeKey?: string;
}

export interface StartedRun {
  runId: string;
  /** True when the dedupe key matched an earlier run. */
  duplicate: boolean;
}

const TERMINAL_RUN: ReadonlySet<RunStatus> = new Set(["succeeded", "failed", "cancelled"]);

/** The durable run state machine: starts, advances, cancels and retries runs. */
export class Engine {
  readonly #o: EngineOptions;
  readonly #host: TransitionHost;
  readonly #plans: RunPlanCache;
  readonly #runner: AttemptRunner;
  readonly #sweeper: Sweeper;
  readonly #wakeTimers = new Map<string, NodeJS.Timeout>();
  readonly #waiters: RunEndWaiters;
  /** The sweeper's loop, reported by `/readyz`: it is what keeps workers' attempts moving. */
  readonly sweepLoop: PeriodicLoop;
  /** The worker processes step expressions run in; terminated by `stop`. */
  readonly expressions = new ExpressionPool();

  constructor(options: EngineOptions) {
    this.#o = options;
    this.sweepLoop = new PeriodicLoop({
      intervalMs: options.sweepIntervalMs,
      tick: () => this.#sweeper.sweep(),
      onError: (err) => options.logger.error({ err }, "sweep failed"),
    });
    this.#plans = new RunPlanCache(options.store.db);
    this.#waiters = new RunEndWaiters(options.bus);
    const secrets = new SecretTracker(options.secrets);
    this.#host = {
      db: options.store.db,
      committer: createGroupCommitter(options.store.db),
      queue: options.queue,
      bus: options.bus,
      logger: options.logger,
      stored: {
        maxBytes: options.maxOutputBytes,
        get secrets() {
          return secrets.forms;
        },
      },
      armWake: (stepRunId, at) => this.#armWake(stepRunId, at),
      abortRun: (runId) => this.#runner.abortRun(runId),
    };
    this.#runner = new AttemptRunner({
      host: this.#host,
      plans: this.#plans,
      registry: options.registry,
      workerId: options.workerId,
      leaseMs: options.leaseMs,
      secrets,
      expressions: this.expressions,
    });
    this.#sweeper = new Sweeper({
      host: this.#host,
      plans: this.#plans,
      maxLostAttempts: options.maxLostAttempts,
    });
  }

  /** Starts executing attempts and sweeping the store; the first sweep resumes earlier work. */
  start(): void {
    this.#o.queue.start((attemptId) =>
      this.#runner
        .executeAttempt(attemptId)
        .catch((err) => this.#reportAttemptError(attemptId, err)),
    );
    this.sweepLoop.start();
  }

  /** Stops taking attempts, lets running ones finish within `graceMs`, then aborts the rest. */
  async stop(graceMs: number): Promise<void> {
    this.#runner.drain();
    for (const timer of this.#wakeTimers.values()) clearTimeout(timer);
    await this.sweepLoop.stop();
    await this.#o.queue.stop(graceMs);
    await this.#runner.abortAll();
    await this.expressions.close();
  }

  /** Records a new run with its step runs and queues its first steps; answers at once. */
  async startRun(request: StartRunRequest): Promise<StartedRun> {
    const workflow = await this.#o.store.db
      .selectFrom("workflows")
      .select(["id", "current_version", "archived_at", "tags"])
      .where("id", "=", request.workflowId)
      .executeTakeFirst();
    if (!workflow) throw new NotFoundError("workflow", request.workflowId);
    if (workflow.archived_at !== null)
      throw new ConflictError(`workflow "${request.workflowId}" is archived`);
    const plan = await this.#plans.require(
      workflow.id,
      request.version ?? workflow.current_version,
    );

    return commit(this.#host, async (tx, t) => {
      if (request.dedupeKey) {
        const earlier = await findRunByDedupeKey(tx, request.dedupeKey);
        if (earlier) return { runId: earlier.id, duplicate: true };
      }
      const runId = newId(t.now);
      const ref = { runId, workflowId: workflow.id };
      const timeoutMs =
        plan.definition.timeout === undefined ? undefined : parseDuration(plan.definition.timeout);
      const steps = plan.definition.steps.map((s) => ({ id: newId(t.now), stepId: s.id }));
      await insertRun(
        tx,
        {
          id: runId,
          workflowId: workflow.id,
          version: plan.version,
          triggerType: request.triggerType,
          triggerId: request.triggerId ?? null,
          trigger: request.trigger,
          tags: workflow.tags,
          dedupeKey: request.dedupeKey ?? null,
          deadlineAt: timeoutMs === undefined ? null : t.now + timeoutMs,
          createdAt: t.now,
        },
        steps,
      );
      t.emit("run:queued", ref, { triggerType: request.triggerType });
      await advanceRun(tx, t, this.#host, plan, ref);
      return { runId, duplicate: false };
    });
  }

  /** Cancels a run that has not ended: pending steps never start, running ones are aborted. */
  async cancelRun(runId: string, reason = "cancelled by a user"): Promise<void> {
    await commit(this.#host, async (tx, t) => {
      const run = await this.#requireRun(tx, runId);
      if (TERMINAL_RUN.has(run.status))
        throw new ConflictError(`run "${runId}" already ended as ${run.status}`);
      const ref = { runId, workflowId: run.workflow_id };
      await setRunStatus(tx, runId, ["queued", "running"], {
        status: "cancelled",
        ended_at: t.now,
      });
      await cancelOpenSteps(tx, t, ref);
      t.emit("run:cancelled", ref, { reason });
    });
  }

  /**
   * Runs a failed or cancelled run again from where it stopped: its failed and cancelled
   * steps start over with fresh attempts; succeeded and skipped steps keep their results.
   */
  async retryRun(runId: string): Promise<void> {
    await commit(this.#host, async (tx, t) => {
      const run = await this.#requireRun(tx, runId);
      if (run.status !== "failed" && run.status !== "cancelled") {
        throw new ConflictError(
          `run "${runId}" is ${run.status}: only failed or cancelled runs can be retried`,
        );
      }
      const workflow = await tx
        .selectFrom("workflows")
        .select(["name", "archived_at"])
        .where("id", "=", run.workflow_id)
        .executeTakeFirstOrThrow();
      if (workflow.archived_at !== null) {
        throw new ConflictError(`workflow "${workflow.name}" is archived: unarchive it to retry`);
      }
      const ref = { runId, workflowId: run.workflow_id };
      const plan = await this.#plans.require(run.workflow_id, run.version, tx);
      const timeoutMs =
        plan.definition.timeout === undefined ? undefined : parseDuration(plan.definition.timeout);
      await tx
        .updateTable("runs")
        .set({
          status: "running",
          error: null,
          ended_at: null,
          deadline_at: timeoutMs === undefined ? null : t.now + timeoutMs,
        })
        .where("id", "=", runId)
        .execute();
      const reopen = (await getStepRunRefs(tx, runId)).filter(
        (s) => s.status === "failed" || s.status === "cancelled",
      );
      const lastNumbers = await getLastAttemptNumbers(tx, runId);
      for (const step of reopen) {
        // Attempt numbers go on after the earlier ones, so each number names one attempt.
        const first = (lastNumbers.get(step.id) ?? 0) + 1;
        await tx
          .updateTable("step_runs")
          .set({
            status: "pending",
            error: null,
            ended_at: null,
            lost_attempts: 0,
            first_attempt: first,
          })
          .where("id", "=", step.id)
          .execute();
      }
      t.emit("run:queued", ref, { triggerType: "retry" });
      await advanceRun(tx, t, this.#host, plan, ref);
    });
  }

  /** Resolves with the run's status once it has ended, or undefined after `timeoutMs`. */
  async waitForRun(runId: string, timeoutMs: number): Promise<RunStatus | undefined> {
    return this.#waiters.wait(runId, timeoutMs, async () => {
      const row = await this.#o.store.db
        .selectFrom("runs")
        .select("status")
        .where("id", "=", runId)
        .executeTakeFirst();
      return row?.status;
    });
  }

  /** Runs one sweep now (tests and the CLI use it; the engine also sweeps on a timer). */
  sweep(now?: number): Promise<number> {
    return this.#sweeper.sweep(now);
  }

  /** The prepared definition of a version (cached). */
  requirePlan(workflowId: string, version: number) {
    return this.#plans.require(workflowId, version);
  }

  get runningAttempts(): number {
    return this.#runner.runningCount;
  }

  async #requireRun(tx: Store["db"], runId: string) {
    const run = await tx
      .selectFrom("runs")
      .select(["id", "status", "workflow_id", "version"])
      .where("id", "=", runId)
      .executeTakeFirst();
    if (!run) throw new NotFoundError("run", runId);
    return run;
  }

  #armWake(stepRunId: string, at: number): void {
    const delay = at - Date.now();
    if (delay > this.#o.sweepIntervalMs * 60) return;
    const timer = setTimeout(
      () => {
        this.#wakeTimers.delete(stepRunId);
        this.#sweeper
          .wakeStep(stepRunId)
          .catch((err) => this.#o.logger.error({ err, stepRunId }, "wake failed"));
      },
      Math.max(0, delay),
    );
    timer.unref();
    this.#wakeTimers.set(stepRunId, timer);
  }

  #reportAttemptError(attemptId: string, error: unknown): void {
    this.#o.logger.error(
      { err: error, attemptId },
      "attempt could not be recorded; the sweeper will retry it",
    );
  }
}
