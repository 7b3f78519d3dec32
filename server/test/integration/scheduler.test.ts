import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { nextFireAfter } from "../../src/scheduler/next-fire.ts";
import { Scheduler } from "../../src/scheduler/scheduler.ts";
import { createWeft } from "../../src/weft.ts";
import {
  applyYaml,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

/**
 * Schedules through the real store and engine, with the clock in the test's hands: the
 * automatic loop is stopped and every tick gets an explicit `now`.
 */

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const DAY = 86_400_000;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await server.weft.scheduler.stop();
});
afterAll(() => server.close());
// A tick returns the runs it started for every due schedule: each test counts only its own.
afterEach(async () => {
  await server.weft.store.db
    .updateTable("workflows")
    .set({ archived_at: Date.now() })
    .where("archived_at", "is", null)
    .execute();
});

const tick = (now: number) => server.weft.scheduler.tick(now);

/** Saves a workflow with one schedule trigger (its fields as YAML flow entries). */
async function applySchedule(name: string, trigger: string, description = ""): Promise<string> {
  const workflow = await applyYaml(
    server,
    `
name: ${name}
description: "${description}"
triggers:
  - { type: schedule, ${trigger} }
steps:
  - id: note
    type: transform
    with: { expression: 'trigger.scheduledAt' }
`,
  );
  return workflow.id;
}

async function getSchedule(workflowId: string) {
  return server.weft.store.db
    .selectFrom("schedules")
    .selectAll()
    .where("workflow_id", "=", workflowId)
    .executeTakeFirstOrThrow();
}

async function setNextFireAt(workflowId: string, nextFireAt: number): Promise<void> {
  await server.weft.store.db
    .updateTable("schedules")
    .set({ next_fire_at: nextFireAt })
    .where("workflow_id", "=", workflowId)
    .execute();
}

/** The slots the workflow's schedule runs were started for, oldest first. */
async function firedSlots(workflowId: string): Promise<string[]> {
  const runs = await server.weft.store.db
    .selectFrom("runs")
    .select("trigger")
    .where("workflow_id", "=", workflowId)
    .where("trigger_type", "=", "schedule")
    .execute();
  return runs.map((r) => (JSON.parse(r.trigger) as { scheduledAt: string }).scheduledAt).sort();
}

describe("a */5 UTC schedule", () => {
  it("fires a slot once: one run whose trigger carries scheduledAt", async () => {
    const savedAt = Date.now();
    const id = await applySchedule("every-five", 'cron: "*/5 * * * *"');
    const slot = (await getSchedule(id)).next_fire_at!;
    expect(slot % 300_000).toBe(0);
    expect(slot - savedAt).toBeGreaterThan(0);
    expect(slot - savedAt).toBeLessThanOrEqual(300_000);

    expect(await tick(slot - 1)).toBe(0);
    expect(await tick(slot)).toBe(1);
    expect(await tick(slot)).toBe(0);
    expect(await firedSlots(id)).toEqual([iso(slot)]);
    expect(await getSchedule(id)).toMatchObject({
      next_fire_at: slot + 300_000,
      last_fired_at: slot,
    });

    const run = await server.weft.store.db
      .selectFrom("runs")
      .select(["id", "trigger_id"])
      .where("workflow_id", "=", id)
      .executeTakeFirstOrThrow();
    const ended = await waitForRunEnd(server, run.id);
    expect(run.trigger_id).toBe("schedule");
    expect(ended.status).toBe("succeeded");
    expect(ended.trigger).toEqual({
      type: "schedule",
      id: "schedule",
      scheduledAt: iso(slot),
      input: null,
    });
    expect(ended.output).toEqual({ note: iso(slot) });
  });

  it("fires a slot once when two instances on one data dir tick it together", async () => {
    const config = loadConfig({ WEFT_DATA_DIR: server.dataDir, WEFT_LOG_LEVEL: "silent" });
    const roles = { http: false, workers: false, scheduler: false };
    const second = await createWeft(config, createLogger("silent"), roles);
    try {
      const id = await applySchedule("every-five-shared", 'cron: "*/5 * * * *"');
      const first = (await getSchedule(id)).next_fire_at!;
      const slots = [0, 1, 2, 3, 4, 5].map((i) => first + i * 300_000);
      for (const slot of slots) {
        const started = await Promise.all([tick(slot), second.scheduler.tick(slot)]);
        expect(started[0] + started[1], `runs started for ${iso(slot)}`).toBe(1);
      }
      expect(await firedSlots(id)).toEqual(slots.map(iso));
    } finally {
      await second.stop();
    }
  });
});

describe("catch-up after downtime", () => {
  // The scheduler was down from before 12-17 06:00 until 12-20 05:00: three daily slots missed.
  const now = at("2026-12-20T05:00:00Z");
  const missedSince = at("2026-12-17T06:00:00Z");

  it.each([
    ["none", "", []],
    ["latest", "", ["2026-12-19T06:00:00.000Z"]],
    [
      "all",
      "",
      ["2026-12-17T06:00:00.000Z", "2026-12-18T06:00:00.000Z", "2026-12-19T06:00:00.000Z"],
    ],
    ["all", ", catchUpLimit: 2", ["2026-12-18T06:00:00.000Z", "2026-12-19T06:00:00.000Z"]],
  ])("catchUp %s%s fires %j", async (catchUp, limit, expected) => {
    const name = `daily-${catchUp}${limit ? "-limited" : ""}`;
    const id = await applySchedule(name, `cron: "0 6 * * *", catchUp: ${catchUp}${limit}`);
    await setNextFireAt(id, missedSince);
    await expectCatchUp(id, expected);
  });

  it("catchUp all keeps the most recent slots when far more than catchUpLimit were missed", async () => {
    const id = await applySchedule(
      "daily-all-long-down",
      'cron: "0 6 * * *", catchUp: all, catchUpLimit: 2',
    );
    await setNextFireAt(id, missedSince - 30 * DAY);
    await expectCatchUp(id, ["2026-12-18T06:00:00.000Z", "2026-12-19T06:00:00.000Z"]);
  });

  async function expectCatchUp(id: string, expected: string[]): Promise<void> {
    expect(await tick(now)).toBe(expected.length);
    expect(await firedSlots(id)).toEqual(expected);
    expect((await getSchedule(id)).next_fire_at).toBe(at("2026-12-20T06:00:00Z"));
    expect(await tick(now)).toBe(0);
  }

  it("catchUp none still fires the slot that is within the grace", async () => {
    const id = await applySchedule("daily-none-grace", 'cron: "0 6 * * *", catchUp: none');
    await setNextFireAt(id, missedSince);

    expect(await tick(at("2026-12-20T06:00:30Z"))).toBe(1);
    expect(await firedSlots(id)).toEqual(["2026-12-20T06:00:00.000Z"]);
    expect((await getSchedule(id)).next_fire_at).toBe(at("2026-12-21T06:00:00Z"));
  });
});

describe("pausing", () => {
  it("a paused schedule does not fire; resuming skips the slots missed meanwhile", async () => {
    const id = await applySchedule("paused-daily", 'cron: "0 6 * * *", catchUp: all');
    const slot = (await getSchedule(id)).next_fire_at!;
    const pause = await server.api("/api/v1/schedules/paused-daily/schedule/pause", {
      method: "POST",
    });
    expect(pause.status).toBe(200);
    expect(await pause.json()).toEqual({ workflowId: id, triggerId: "schedule", paused: true });

    expect(await tick(slot)).toBe(0);
    expect(await tick(slot + 3 * DAY)).toBe(0);
    // As if it had been paused for days: three slots before now went by.
    await setNextFireAt(id, slot - 3 * DAY);
    expect(await tick(Date.now())).toBe(0);

    const resumedAt = Date.now();
    const resume = await server.api("/api/v1/schedules/paused-daily/schedule/resume", {
      method: "POST",
    });
    expect(resume.status).toBe(200);
    const next = (await getSchedule(id)).next_fire_at!;
    expect(next).toBe(nextFireAfter("0 6 * * *", "UTC", resumedAt));
    expect(await tick(Date.now())).toBe(0);
    expect(await tick(next)).toBe(1);
    expect(await firedSlots(id)).toEqual([iso(next)]);
  });
});

describe("new versions and archiving", () => {
  it("recomputes next_fire_at when the cron or zone changes, keeps it otherwise", async () => {
    const id = await applySchedule("reversioned", 'cron: "0 6 * * *"');
    const kept = at("2027-01-01T06:00:00Z");
    await setNextFireAt(id, kept);

    await applySchedule("reversioned", 'cron: "0 6 * * *", catchUp: all, input: { x: 1 }', "v2");
    expect(await getSchedule(id)).toMatchObject({ next_fire_at: kept, catch_up: "all" });

    const beforeCron = Date.now();
    await applySchedule("reversioned", 'cron: "30 7 * * *", catchUp: all, input: { x: 1 }');
    const recomputed = await getSchedule(id);
    expect(recomputed).toMatchObject({ cron: "30 7 * * *", catch_up: "all" });
    expect(recomputed.next_fire_at).toBe(nextFireAfter("30 7 * * *", "UTC", beforeCron));

    const beforeZone = Date.now();
    await applySchedule(
      "reversioned",
      'cron: "30 7 * * *", timezone: Asia/Tokyo, catchUp: all, input: { x: 1 }',
    );
    const rezoned = (await getSchedule(id)).next_fire_at!;
    expect(rezoned).toBe(nextFireAfter("30 7 * * *", "Asia/Tokyo", beforeZone));

    expect(await tick(rezoned)).toBe(1);
    const run = await server.weft.store.db
      .selectFrom("runs")
      .select(["version", "trigger"])
      .where("workflow_id", "=", id)
      .executeTakeFirstOrThrow();
    expect(run.version).toBe(4);
    expect(JSON.parse(run.trigger)).toMatchObject({ scheduledAt: iso(rezoned), input: { x: 1 } });
  });

  it("an archived workflow's schedule stops firing", async () => {
    const id = await applySchedule("archived-five", 'cron: "*/5 * * * *"');
    const slot = (await getSchedule(id)).next_fire_at!;
    expect(await tick(slot)).toBe(1);

    const archived = await server.api("/api/v1/workflows/archived-five/archive", {
      method: "POST",
    });
    expect(archived.status).toBe(200);
    expect(await tick(slot + 300_000)).toBe(0);
    expect(await tick(slot + 3_600_000)).toBe(0);
    expect(await firedSlots(id)).toEqual([iso(slot)]);
  });
});

describe("daylight saving time", () => {
  it("30 2 * * * in Europe/Berlin fires once on 2026-03-29, at 03:00 CEST (01:00Z)", async () => {
    const id = await applySchedule(
      "berlin-night",
      'cron: "30 2 * * *", timezone: Europe/Berlin, catchUp: all',
    );
    await setNextFireAt(id, at("2026-03-28T01:30:00Z"));

    expect(await tick(at("2026-03-28T01:30:00Z"))).toBe(1);
    expect((await getSchedule(id)).next_fire_at).toBe(at("2026-03-29T01:00:00Z"));
    expect(await tick(at("2026-03-29T00:30:00Z"))).toBe(0);
    expect(await tick(at("2026-03-29T01:00:00Z"))).toBe(1);
    expect(await tick(at("2026-03-29T01:30:00Z"))).toBe(0);
    expect((await getSchedule(id)).next_fire_at).toBe(at("2026-03-30T00:30:00Z"));
    expect(await firedSlots(id)).toEqual(["2026-03-28T01:30:00.000Z", "2026-03-29T01:00:00.000Z"]);
  });

  it("30 2 * * * in Europe/Berlin fires once on 2026-10-25, at the first 02:30 (00:30Z)", async () => {
    const id = await applySchedule(
      "berlin-night-autumn",
      'cron: "30 2 * * *", timezone: Europe/Berlin, catchUp: all',
    );
    await setNextFireAt(id, at("2026-10-24T00:30:00Z"));

    expect(await tick(at("2026-10-24T00:30:00Z"))).toBe(1);
    expect((await getSchedule(id)).next_fire_at).toBe(at("2026-10-25T00:30:00Z"));
    expect(await tick(at("2026-10-25T00:30:00Z"))).toBe(1);
    // 02:30 CET, the second pass of the repeated hour, is not a new slot.
    expect(await tick(at("2026-10-25T01:30:00Z"))).toBe(0);
    expect((await getSchedule(id)).next_fire_at).toBe(at("2026-10-26T01:30:00Z"));
    expect(await firedSlots(id)).toEqual(["2026-10-24T00:30:00.000Z", "2026-10-25T00:30:00.000Z"]);
  });
});

describe("the scheduler loop", () => {
  it("stops for good when stop() comes during a tick", async () => {
    let ticks = 0;
    const scheduler = new Scheduler({
      db: server.weft.store.db,
      engine: server.weft.engine,
      logger: createLogger("silent"),
      intervalMs: 10,
      now: () => {
        ticks += 1;
        return 0;
      },
    });
    scheduler.start();
    await scheduler.stop();
    const afterStop = ticks;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ticks).toBe(afterStop);
  });
});
