import { getStepRun, requireRunRow, setStepRun } from "../store/runs.ts";
import type { RunPlanCache } from "./run-plan.ts";
import { advanceRun, commit, failRun, type TransitionHost } from "./transitions.ts";

/** How long a queued attempt may sit before the sweeper assumes its wake-up was lost. */
const DISPATCH_GRACE_MS = 2_000;
const BATCH = 500;

export interface SweeperOptions {
  host: TransitionHost;
  plans: RunPlanCache;
  /** A lease that ran out this many times fails its step instead of trying again. */
  maxLostAttempts: number;
}

/**
 * Finds in the store what the queue may have lost: attempts whose lease expired, queued
 * attempts nobody woke, delays that are due, and runs past their deadline.
 */
export class Sweeper {
  readonly #o: SweeperOptions;

  constructor(options: SweeperOptions) {
    this.#o = options;
  }

  #firstPass = true;

  /**
   * One pass; returns how many things it acted on. The first pass of a process dispatches
   * every due attempt at once: nothing is in this process's queue yet.
   */
  async sweep(now = Date.now()): Promise<number> {
    const grace = this.#firstPass ? 0 : DISPATCH_GRACE_MS;
    this.#firstPass = false;
    let acted = 0;
    acted += await this.#recoverLostAttempts(now);
    acted += await this.#redispatch(now, grace);
    acted += await this.#wakeDue(now);
    acted += await this.#expireRuns(now);
    return acted;
  }

  /** Completes a waiting step run whose instant has come, once. */
  async wakeStep(stepRunId: string): Promise<void> {
    const { host, plans } = this.#o;
    await commit(host, async (tx, t) => {
      const stepRun = await getStepRun(tx, stepRunId);
      if (stepRun?.status !== "waiting") return;
      const woke = await setStepRun(
        tx,
        stepRunId,
        {
          status: "succeeded",
          output: JSON.stringify({ waitedUntil: new Date(stepRun.wake_at ?? t.now).toISOString() }),
          ended_at: t.now,
        },
        "waiting",
      );
      if (!woke) return;
      const run = await requireRunRow(tx, stepRun.run_id);
      const ref = { runId: run.id, workflowId: run.workflow_id };
      t.emit("step:succeeded", ref, { attempt: stepRun.attempts, durationMs: 0 }, stepRun.step_id);
      await advanceRun(tx, t, host, await plans.require(run.workflow_id, run.version, tx), ref);
    });
  }

  async #recoverLostAttempts(now: number): Promise<number> {
    const { host } = this.#o;
    const expired = await host.db
      .selectFrom("attempts")
      .select(["id"])
      .where("status", "=", "running")
      .where("lease_until", "<", now)
      .limit(BATCH)
      .execute();
    for (const { id } of expired) await this.#recoverLostAttempt(id, now);
    return expired.length;
  }

  async #recoverLostAttempt(attemptId: string, now: number): Promise<void> {
    const { host, maxLostAttempts } = this.#o;
    await commit(host, async (tx, t) => {
      const lost = await tx
        .updateTable("attempts")
        .set({
          status: "lost",
          ended_at: t.now,
          error: JSON.stringify({
            kind: "lease-expired",
            message: "the worker stopped renewing its lease",
          }),
        })
        .where("id", "=", attemptId)
        .where("status", "=", "running")
        .where("lease_until", "<", now)
        .returning(["step_run_id", "run_id", "step_id", "number"])
        .executeTakeFirst();
      if (!lost) return;

      const run = await requireRunRow(tx, lost.run_id);
      const ref = { runId: run.id, workflowId: run.workflow_id };
      const stepRun = await getStepRun(tx, lost.step_run_id);
      const lostCount = (stepRun?.lost_attempts ?? 0) + 1;
      const error = {
        kind: "lease-expired",
        message: `attempt ${lost.number} lost its worker`,
        retryable: true,
      };
      if (lostCount <= maxLostAttempts) {
        await setStepRun(tx, lost.step_run_id, { status: "queued", lost_attempts: lostCount });
        t.addAttempt(ref, lost.step_run_id, lost.step_id, lost.number + 1);
        t.emit("step:retrying", ref, { attempt: lost.number, error, delayMs: 0 }, lost.step_id);
        return;
      }
      await setStepRun(tx, lost.step_run_id, {
        status: "failed",
        lost_attempts: lostCount,
        error: JSON.stringify(error),
        ended_at: t.now,
      });
      t.emit("step:failed", ref, { attempt: lost.number, error, durationMs: 0 }, lost.step_id);
      await failRun(tx, t, host, ref, {
        ...error,
        message: `step "${lost.step_id}" lost its worker ${lostCount} times`,
      });
    });
  }

  async #redispatch(now: number, grace: number): Promise<number> {
    const { host } = this.#o;
    const due = await host.db
      .selectFrom("attempts")
      .select(["id", "available_at"])
      .where("status", "=", "queued")
      .where("available_at", "<=", now)
      .where("created_at", "<=", now - grace)
      .limit(BATCH)
      .execute();
    host.queue.dispatch(due.map((a) => ({ attemptId: a.id, availableAt: a.available_at })));
    return due.length;
  }

  async #wakeDue(now: number): Promise<number> {
    const due = await this.#o.host.db
      .selectFrom("step_runs")
      .select("id")
      .where("status", "=", "waiting")
      .where("wake_at", "<=", now)
      .limit(BATCH)
      .execute();
    for (const { id } of due) await this.wakeStep(id);
    return due.length;
  }

  async #expireRuns(now: number): Promise<number> {
    const { host } = this.#o;
    const late = await host.db
      .selectFrom("runs")
      .select(["id", "workflow_id", "deadline_at"])
      .where("status", "in", ["queued", "running"])
      .where("deadline_at", "<", now)
      .limit(BATCH)
      .execute();
    for (const run of late) {
      const ref = { runId: run.id, workflowId: run.workflow_id };
      await commit(host, (tx, t) =>
        failRun(tx, t, host, ref, {
          kind: "run-timeout",
          message: "the run passed its timeout",
          retryable: false,
        }),
      );
    }
    return late.length;
  }
}
