import { StepFailure } from "../errors.ts";
import type { ErrorInfo } from "../events/event-map.ts";
import type { Db } from "../store/database.ts";
import {
  claimAttempt,
  finishAttempt,
  getStepResults,
  getStepRun,
  insertAttempts,
  markStepRunning,
  releaseLeases,
  renewLease,
  requireRunRow,
  setRunStatus,
  setStepRun,
} from "../store/runs.ts";
import type { StepDefinition } from "./definition.ts";
import { parseDuration } from "./duration.ts";
import type { ExpressionPool } from "./expression-pool.ts";
import { NO_RETRY, retryDelayMs, shouldRetry } from "./retry.ts";
import type { RunPlan, RunPlanCache } from "./run-plan.ts";
import { raceAbort, toErrorInfo } from "./step-errors.ts";
import type { StepRegistry } from "./step-registry.ts";
import type { ExpressionScope, StepContext } from "./step-type.ts";
import { fromStoredJson, redactValue, type SecretSource, toStoredJson } from "./stored-value.ts";
import {
  advanceRun,
  commit,
  failRun,
  type RunRef,
  type Transition,
  type TransitionHost,
} from "./transitions.ts";
import { unwrapBraces, zodIssues } from "./validate.ts";

const DEFAULT_STEP_TIMEOUT_MS = 5 * 60_000;
/** Why abortAll stops an attempt; such an attempt is left to its lease, not recorded. */
const SHUTDOWN = new StepFailure("shutdown", "the worker is shutting down", { retryable: true });

export interface AttemptRunnerOptions {
  host: TransitionHost;
  plans: RunPlanCache;
  registry: StepRegistry;
  workerId: string;
  leaseMs: number;
  secrets: SecretSource;
  /** Where `if` conditions, `{{ }}` templates and step expressions are evaluated. */
  expressions: ExpressionPool;
}

interface ClaimedAttempt {
  id: string;
  number: number;
  stepRunId: string;
  step: StepDefinition;
  plan: RunPlan;
  ref: RunRef;
  scope: ExpressionScope;
}

/** How an attempt ended, with the input it ran on once its `with` had been filled in. */
type Outcome = (
  | { kind: "output"; output: unknown }
  | { kind: "sleep"; until: number }
  | { kind: "skip" }
  | { kind: "error"; error: ErrorInfo }
) & { input?: unknown };

/** Executes attempts: claims one with a lease, runs its step, records how it ended, once. */
export class AttemptRunner {
  readonly #o: AttemptRunnerOptions;
  readonly #running = new Map<string, { runId: string; controller: AbortController }>();
  #draining = false;

  constructor(options: AttemptRunnerOptions) {
    this.#o = options;
  }

  /**
   * The queue's handler: runs one attempt to its end; a lost claim is not an error. When the
   * attempt makes a next step of its run ready, that step is claimed in the same commit and
   * run here at once, saving a commit and a queue hop per step of a chain.
   */
  async executeAttempt(attemptId: string): Promise<void> {
    let claimed = await this.#claim(attemptId);
    while (claimed) claimed = await this.#execute(claimed);
  }

  /** Stops handing a run's next step over in-process; used when shutting down. */
  drain(): void {
    this.#draining = true;
  }

  async #execute(claimed: ClaimedAttempt): Promise<ClaimedAttempt | undefined> {
    const attemptId = claimed.id;
    const controller = new AbortController();
    this.#running.set(attemptId, { runId: claimed.ref.runId, controller });
    const heartbeat = this.#startHeartbeat(claimed.id, controller);
    const startedAt = Date.now();
    let outcome: Outcome;
    try {
      outcome = await this.#runStep(claimed, controller.signal);
    } finally {
      clearInterval(heartbeat);
      this.#running.delete(attemptId);
    }
    // Recording the abort would end the step; its lease runs out instead and the sweeper retries.
    if (outcome.kind === "error" && controller.signal.reason === SHUTDOWN) return undefined;
    return this.#record(claimed, outcome, Date.now() - startedAt);
  }

  /** Aborts this process's running attempts of a run (cancellation or failure). */
  abortRun(runId: string): void {
    for (const entry of this.#running.values()) {
      if (entry.runId === runId)
        entry.controller.abort(
          new StepFailure("cancelled", "the run was cancelled", { retryable: false }),
        );
    }
  }

  /**
   * Aborts everything under way, for shutdown, and hands the leases back, so the next sweep
   * of any instance tries those attempts again at once instead of when the leases run out.
   */
  async abortAll(): Promise<void> {
    const ids = [...this.#running.keys()];
    for (const entry of this.#running.values()) entry.controller.abort(SHUTDOWN);
    if (ids.length === 0) return;
    await releaseLeases(this.#o.host.db, ids, this.#o.workerId);
    this.#o.host.logger.warn({ attempts: ids.length }, "attempts handed back at shutdown");
  }

  get runningCount(): number {
    return this.#running.size;
  }

  async #claim(attemptId: string): Promise<ClaimedAttempt | undefined> {
    const claimed = await commit(this.#o.host, (tx, t) => this.#claimIn(tx, t, attemptId));
    if (!claimed) return undefined;

    const { attempt, run } = claimed;
    const plan = await this.#o.plans.require(run.workflow_id, run.version);
    const rows = await getStepResults(this.#o.host.db, run.id);
    const scope = {
      trigger: JSON.parse(run.trigger),
      steps: scopeSteps(rows),
      run: {
        id: run.id,
        workflowId: run.workflow_id,
        version: plan.version,
        startedAt: new Date(run.started_at ?? run.created_at).toISOString(),
      },
    };
    return toClaimed(attempt, plan, scope);
  }

  /** Takes an attempt inside a transaction: its step run and, at first, its run start. */
  async #claimIn(tx: Db, t: Transition, attemptId: string) {
    const { workerId, leaseMs } = this.#o;
    const attempt = await claimAttempt(tx, attemptId, workerId, t.now, t.now + leaseMs);
    if (!attempt) return undefined;
    const run = await requireRunRow(tx, attempt.run_id);
    const ref = { runId: run.id, workflowId: run.workflow_id };
    await markStepRunning(tx, attempt.step_run_id, attempt.number, t.now);
    if (run.status === "queued") {
      await setRunStatus(tx, run.id, ["queued"], { status: "running", started_at: t.now });
      t.emit("run:started", ref, {});
    }
    t.emit("step:started", ref, { attempt: attempt.number }, attempt.step_id);
    return { attempt, run };
  }

  /**
   * Claims, in the transaction that made it ready, one attempt of the same run that is due
   * now, and reads the run's step results for its scope. The others go to the queue.
   */
  async #handOver(tx: Db, t: Transition, done: ClaimedAttempt) {
    if (this.#draining) return undefined;
    const index = t.attempts.findIndex((a) => a.runId === done.ref.runId && a.availableAt <= t.now);
    if (index < 0) return undefined;
    const [next] = t.attempts.splice(index, 1);
    await insertAttempts(tx, [next!]);
    const claimed = await this.#claimIn(tx, t, next!.id);
    if (!claimed) return undefined;
    return { attempt: claimed.attempt, rows: await getStepResults(tx, done.ref.runId) };
  }

  #startHeartbeat(attemptId: string, controller: AbortController): NodeJS.Timeout {
    const { host, workerId, leaseMs } = this.#o;
    const timer = setInterval(
      async () => {
        try {
          const kept = await renewLease(host.db, attemptId, workerId, Date.now() + leaseMs);
          if (!kept)
            controller.abort(
              new StepFailure("cancelled", "the attempt is no longer leased to this worker", {
                retryable: false,
              }),
            );
        } catch (error) {
          host.logger.warn({ err: error, attemptId }, "lease renewal failed");
        }
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    timer.unref();
    return timer;
  }

  async #runStep(claimed: ClaimedAttempt, cancel: AbortSignal): Promise<Outcome> {
    const { step, scope } = claimed;
    let input: unknown;
    try {
      const secrets = this.#o.secrets.snapshot;
      requireSecrets(step, secrets);
      const withSecrets = { ...scope, secrets };
      const { expressions } = this.#o;
      if (
        step.if !== undefined &&
        !(await expressions.evaluate(unwrapBraces(step.if), withSecrets))
      )
        return { kind: "skip" };

      const type = this.#o.registry.get(step.type);
      if (!type)
        throw new StepFailure("unknown-step-type", `step type "${step.type}" is not installed`, {
          retryable: false,
        });
      const interpolated = await expressions.interpolate(step.with, withSecrets, {
        skipKeys: type.expressionFields ?? [],
      });
      // Kept even when it fails the step type's schema: that is when it explains most.
      input = interpolated;
      const parsed = type.with.safeParse(interpolated);
      if (!parsed.success) {
        const issue = zodIssues(parsed.error, "with")[0]!;
        throw new StepFailure("invalid-input", `${issue.path}: ${issue.message}`, {
          retryable: false,
        });
      }

      const timeoutMs =
        step.timeout === undefined ? DEFAULT_STEP_TIMEOUT_MS : parseDuration(step.timeout)!;
      const signal = AbortSignal.any([cancel, AbortSignal.timeout(timeoutMs)]);
      const context = this.#context(claimed, signal);
      input = parsed.data;
      const result = await raceAbort(type.execute(parsed.data, context), signal, timeoutMs);
      return "sleepUntil" in result
        ? { kind: "sleep", until: result.sleepUntil, input }
        : { kind: "output", output: result.output, input };
    } catch (error) {
      // Messages and details can quote interpolated secrets; events carry them unmasked.
      const info = redactValue(toErrorInfo(error), this.#o.host.stored.secrets);
      return { kind: "error", error: info, input };
    }
  }

  #context(claimed: ClaimedAttempt, signal: AbortSignal): StepContext {
    const { host } = this.#o;
    return {
      runId: claimed.ref.runId,
      stepId: claimed.step.id,
      attempt: claimed.number,
      idempotencyKey: claimed.stepRunId,
      signal,
      scope: claimed.scope,
      evaluate: (expression) => this.#o.expressions.evaluate(expression, claimed.scope),
      log: (message, data) => {
        const level = typeof data?.level === "string" ? data.level : "info";
        const extra =
          data?.data === undefined
            ? {}
            : { data: JSON.parse(toStoredJson(data.data, host.stored) ?? "null") };
        const text = JSON.parse(toStoredJson(message, host.stored) ?? '""') as string;
        void commit(host, async (_tx, t) =>
          t.emit("step:log", claimed.ref, { message: text, level, ...extra }, claimed.step.id),
        ).catch((err) => host.logger.error({ err, runId: claimed.ref.runId }, "step log failed"));
      },
    };
  }

  /** Records how an attempt ended, once; returns the run's next attempt if it was handed over. */
  async #record(
    claimed: ClaimedAttempt,
    outcome: Outcome,
    durationMs: number,
  ): Promise<ClaimedAttempt | undefined> {
    const { host, workerId } = this.#o;
    const next = await commit(host, async (tx, t) => {
      const status = outcome.kind === "error" ? "failed" : "succeeded";
      const error = outcome.kind === "error" ? toStoredJson(outcome.error, host.stored) : null;
      const finished = await finishAttempt(tx, claimed.id, workerId, {
        status,
        endedAt: t.now,
        durationMs,
        // Masked and capped as outputs are: an input can quote a secret or a large body.
        input: toStoredJson(outcome.input, host.stored),
        error,
      });
      if (!finished) return undefined;

      if (outcome.kind === "output")
        await this.#succeedStep(tx, t, claimed, outcome.output, durationMs);
      else if (outcome.kind === "skip") await this.#skipStep(tx, t, claimed);
      else if (outcome.kind === "sleep") await this.#sleepStep(tx, t, claimed, outcome.until);
      else await this.#failAttempt(tx, t, claimed, outcome.error, durationMs);
      return outcome.kind === "output" || outcome.kind === "skip"
        ? this.#handOver(tx, t, claimed)
        : undefined;
    });
    if (!next) return undefined;
    const scope = { ...claimed.scope, steps: scopeSteps(next.rows) };
    return toClaimed(next.attempt, claimed.plan, scope);
  }

  async #succeedStep(
    tx: Db,
    t: Transition,
    c: ClaimedAttempt,
    output: unknown,
    durationMs: number,
  ) {
    const stored = toStoredJson(output ?? null, this.#o.host.stored);
    await setStepRun(tx, c.stepRunId, { status: "succeeded", output: stored, ended_at: t.now });
    t.emit("step:succeeded", c.ref, { attempt: c.number, durationMs }, c.step.id);
    await advanceRun(tx, t, this.#o.host, c.plan, c.ref);
  }

  async #skipStep(tx: Db, t: Transition, c: ClaimedAttempt) {
    await setStepRun(tx, c.stepRunId, { status: "skipped", ended_at: t.now });
    t.emit("step:skipped", c.ref, { reason: "its if condition was false" }, c.step.id);
    await advanceRun(tx, t, this.#o.host, c.plan, c.ref);
  }

  async #sleepStep(tx: Db, t: Transition, c: ClaimedAttempt, until: number) {
    await setStepRun(tx, c.stepRunId, { status: "waiting", wake_at: until });
    t.emit("step:waiting", c.ref, { until: new Date(until).toISOString() }, c.step.id);
    t.wakes.push({ stepRunId: c.stepRunId, at: until });
  }

  async #failAttempt(
    tx: Db,
    t: Transition,
    c: ClaimedAttempt,
    error: ErrorInfo,
    durationMs: number,
  ) {
    const stepRun = await getStepRun(tx, c.stepRunId);
    // Counted since the run last started over: a retried run gives its steps a fresh budget.
    const failed = c.number - (stepRun?.first_attempt ?? 1) + 1 - (stepRun?.lost_attempts ?? 0);
    const policy = c.step.retry ?? NO_RETRY;
    if (error.kind !== "cancelled" && shouldRetry(policy, error, failed)) {
      const delayMs = retryDelayMs(policy, failed);
      await setStepRun(tx, c.stepRunId, { status: "queued" });
      t.addAttempt(c.ref, c.stepRunId, c.step.id, c.number + 1, t.now + delayMs);
      t.emit("step:retrying", c.ref, { attempt: c.number, error, delayMs }, c.step.id);
      return;
    }
    await setStepRun(tx, c.stepRunId, {
      status: "failed",
      error: toStoredJson(error, this.#o.host.stored),
      ended_at: t.now,
    });
    t.emit("step:failed", c.ref, { attempt: c.number, error, durationMs }, c.step.id);
    await failRun(tx, t, this.#o.host, c.ref, {
      ...error,
      message: `step "${c.step.id}" failed: ${error.message}`,
    });
  }
}

type StepResultRow = Awaited<ReturnType<typeof getStepResults>>[number];
type ClaimRow = { id: string; number: number; step_run_id: string; step_id: string };

/** The `steps` of an expression scope: every step run that has ended, with its result. */
function scopeSteps(rows: readonly StepResultRow[]): ExpressionScope["steps"] {
  const steps: ExpressionScope["steps"] = {};
  for (const row of rows) {
    if (row.status === "succeeded" || row.status === "skipped" || row.status === "failed") {
      steps[row.step_id] = {
        status: row.status,
        output: fromStoredJson(row.output),
        error: fromStoredJson(row.error),
      };
    }
  }
  return steps;
}

function toClaimed(attempt: ClaimRow, plan: RunPlan, scope: ExpressionScope): ClaimedAttempt {
  return {
    id: attempt.id,
    number: attempt.number,
    stepRunId: attempt.step_run_id,
    step: plan.steps.get(attempt.step_id)!,
    plan,
    ref: { runId: scope.run.id, workflowId: scope.run.workflowId },
    scope,
  };
}

const SECRET_REFERENCE = /\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)/g;

/** Fails the step, saying how to add it, when it uses a secret this instance lacks. */
function requireSecrets(step: StepDefinition, secrets: Readonly<Record<string, string>>): void {
  const text = `${step.if ?? ""} ${JSON.stringify(step.with)}`;
  for (const [, name] of text.matchAll(SECRET_REFERENCE)) {
    if (secrets[name!] === undefined) {
      const message = `secrets.${name} is not set: add it with \`weft secret set ${name}\` or PUT /api/v1/secrets/${name}`;
      throw new StepFailure("missing-secret", message, { retryable: false });
    }
  }
}
