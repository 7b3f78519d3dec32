import type { Logger } from "pino";
import { type ScheduleTrigger, triggerIds } from "../engine/definition.ts";
import type { Engine } from "../engine/engine.ts";
import { PeriodicLoop } from "../observability/periodic-loop.ts";
import type { Db } from "../store/database.ts";
import { type CatchUp, dueSlots } from "./next-fire.ts";

export interface SchedulerOptions {
  db: Db;
  engine: Engine;
  logger: Logger;
  intervalMs: number;
  /** The clock; tests move it by hand. */
  now?: () => number;
}

/**
 * Fires due schedule slots. Each slot's run carries a dedupe key, and the stored next fire
 * time moves on with a conditional update, so any number of instances fire a slot once.
 */
export class Scheduler {
  readonly #o: SchedulerOptions;
  /** The firing loop; its status is reported by `/readyz`. */
  readonly loop: PeriodicLoop;

  constructor(options: SchedulerOptions) {
    this.#o = options;
    this.loop = new PeriodicLoop({
      intervalMs: options.intervalMs,
      tick: () => this.tick(),
      onError: (err) => options.logger.error({ err }, "schedule tick failed"),
    });
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** Fires every due slot once; returns how many runs it started. */
  async tick(now = (this.#o.now ?? Date.now)()): Promise<number> {
    const { db } = this.#o;
    const due = await db
      .selectFrom("schedules")
      .innerJoin("workflows", "workflows.id", "schedules.workflow_id")
      .select([
        "schedules.workflow_id",
        "schedules.trigger_id",
        "schedules.cron",
        "schedules.timezone",
        "schedules.catch_up",
        "schedules.next_fire_at",
        "workflows.current_version",
      ])
      .where("schedules.paused", "=", 0)
      .where("workflows.archived_at", "is", null)
      .where("schedules.next_fire_at", "<=", now)
      .execute();

    let started = 0;
    for (const schedule of due) started += await this.#fire(schedule, now);
    return started;
  }

  async #fire(
    s: {
      workflow_id: string;
      trigger_id: string;
      cron: string;
      timezone: string;
      catch_up: string;
      next_fire_at: number | null;
      current_version: number;
    },
    now: number,
  ): Promise<number> {
    const trigger = await this.#trigger(s.workflow_id, s.current_version, s.trigger_id);
    const slots = dueSlots({
      expression: s.cron,
      timezone: s.timezone,
      nextFireAt: s.next_fire_at!,
      now,
      catchUp: s.catch_up as CatchUp,
      limit: trigger?.catchUpLimit ?? 10,
    });

    let started = 0;
    for (const slot of slots.fire) {
      const scheduledAt = new Date(slot).toISOString();
      const result = await this.#o.engine.startRun({
        workflowId: s.workflow_id,
        triggerType: "schedule",
        triggerId: s.trigger_id,
        trigger: { type: "schedule", id: s.trigger_id, scheduledAt, input: trigger?.input ?? null },
        dedupeKey: `schedule:${s.workflow_id}:${s.trigger_id}:${slot}`,
      });
      if (result.duplicate) continue;
      started++;
      this.#o.logger.info(
        { workflowId: s.workflow_id, triggerId: s.trigger_id, runId: result.runId, scheduledAt },
        "schedule fired",
      );
    }
    const skipped = this.#countSkipped(s, slots.fire.length, now);
    if (skipped > 0)
      this.#o.logger.warn(
        { workflowId: s.workflow_id, triggerId: s.trigger_id, skipped, catchUp: s.catch_up },
        "schedule slots skipped by catch-up policy",
      );

    await this.#o.db
      .updateTable("schedules")
      .set({ next_fire_at: slots.nextFireAt ?? null, last_fired_at: slots.fire.at(-1) ?? null })
      .where("workflow_id", "=", s.workflow_id)
      .where("trigger_id", "=", s.trigger_id)
      .where("next_fire_at", "=", s.next_fire_at)
      .execute();
    return started;
  }

  async #trigger(
    workflowId: string,
    version: number,
    triggerId: string,
  ): Promise<ScheduleTrigger | undefined> {
    const { triggers } = (await this.#o.engine.requirePlan(workflowId, version)).definition;
    const trigger = triggers[triggerIds(triggers).indexOf(triggerId)];
    return trigger?.type === "schedule" ? trigger : undefined;
  }

  #countSkipped(
    s: { cron: string; timezone: string; catch_up: string; next_fire_at: number | null },
    fired: number,
    now: number,
  ): number {
    if (s.catch_up === "all") return 0;
    const all = dueSlots({
      expression: s.cron,
      timezone: s.timezone,
      nextFireAt: s.next_fire_at!,
      now,
      catchUp: "all",
      limit: 1000,
    });
    return Math.max(0, all.fire.length - fired);
  }
}
