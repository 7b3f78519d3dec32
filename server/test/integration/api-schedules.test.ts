import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nextFireAfter } from "../../src/scheduler/next-fire.ts";
import { expectProblem } from "../helpers/problem.ts";
import { applyYaml, startTestServer, type TestServer } from "../helpers/test-server.ts";

/** The schedules API: listing with next fire times, pause and resume. */

let server: TestServer;
let workflowId: string;

const CRON = "0 9 * * 1-5";
const ZONE = "Europe/Berlin";

beforeAll(async () => {
  server = await startTestServer();
  workflowId = (
    await applyYaml(
      server,
      `
name: morning
triggers:
  - type: schedule
    cron: "${CRON}"
    timezone: ${ZONE}
  - type: schedule
    cron: "30 18 * * *"
    catchUp: none
steps:
  - { id: a, type: log, with: { message: hi } }
`,
    )
  ).id;
});
afterAll(() => server.close());

interface ScheduleItem {
  workflowId: string;
  workflowName: string;
  triggerId: string;
  cron: string;
  timezone: string;
  catchUp: string;
  paused: boolean;
  archived: boolean;
  nextFireAt: string | null;
  lastFiredAt: string | null;
}

const listSchedules = async () => {
  const response = await server.api("/api/v1/schedules");
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: ScheduleItem[] }).items;
};

const action = (triggerId: string, verb: "pause" | "resume", workflow = workflowId) =>
  server.api(`/api/v1/schedules/${workflow}/${triggerId}/${verb}`, { method: "POST" });

/** The wall clock of an instant in Berlin: weekday, hour and minute. */
const berlin = (iso: string) => {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: ZONE,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return { weekday: part("weekday"), time: `${part("hour")}:${part("minute")}` };
};

describe("listing schedules", () => {
  it("lists each schedule trigger with its next fire time", async () => {
    const items = await listSchedules();
    expect(items.map((s) => s.triggerId).sort()).toEqual(["schedule", "schedule-2"]);

    const morning = items.find((s) => s.triggerId === "schedule")!;
    expect(morning).toMatchObject({
      workflowId,
      workflowName: "morning",
      cron: CRON,
      timezone: ZONE,
      catchUp: "latest",
      paused: false,
      archived: false,
      lastFiredAt: null,
    });
    expect(morning.nextFireAt).not.toBeNull();
    expect(berlin(morning.nextFireAt!).time).toBe("09:00");
    expect(["Mon", "Tue", "Wed", "Thu", "Fri"]).toContain(berlin(morning.nextFireAt!).weekday);

    const workflow = (await (await server.api(`/api/v1/workflows/${workflowId}`)).json()) as {
      createdAt: string;
    };
    const expected = nextFireAfter(CRON, ZONE, Date.parse(workflow.createdAt))!;
    expect(morning.nextFireAt).toBe(new Date(expected).toISOString());

    const evening = items.find((s) => s.triggerId === "schedule-2")!;
    expect(evening).toMatchObject({ timezone: "UTC", catchUp: "none" });
    expect(evening.nextFireAt).toMatch(/T18:30:00\.000Z$/);
  });

  it("shows the same next fire time on the workflow's trigger", async () => {
    const workflow = (await (await server.api(`/api/v1/workflows/${workflowId}`)).json()) as {
      triggers: { id: string; nextFireAt: string; paused: boolean }[];
    };
    const items = await listSchedules();
    for (const trigger of workflow.triggers) {
      const item = items.find((s) => s.triggerId === trigger.id)!;
      expect(trigger.nextFireAt).toBe(item.nextFireAt);
      expect(trigger.paused).toBe(false);
    }
  });
});

describe("pause and resume", () => {
  it("pauses a schedule, and the list and the workflow show it paused", async () => {
    const response = await action("schedule", "pause");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ workflowId, triggerId: "schedule", paused: true });

    const items = await listSchedules();
    expect(items.find((s) => s.triggerId === "schedule")!.paused).toBe(true);
    expect(items.find((s) => s.triggerId === "schedule-2")!.paused).toBe(false);

    const workflow = (await (await server.api(`/api/v1/workflows/${workflowId}`)).json()) as {
      triggers: { id: string; paused: boolean }[];
    };
    expect(workflow.triggers.map((t) => [t.id, t.paused])).toEqual([
      ["schedule", true],
      ["schedule-2", false],
    ]);
  });

  it("resumes it with a fresh next fire time", async () => {
    const response = await action("schedule", "resume", "morning");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ workflowId, triggerId: "schedule", paused: false });

    const item = (await listSchedules()).find((s) => s.triggerId === "schedule")!;
    expect(item.paused).toBe(false);
    expect(berlin(item.nextFireAt!).time).toBe("09:00");
  });

  it("keeps a schedule paused when the workflow gets a new version", async () => {
    await action("schedule-2", "pause");
    await applyYaml(
      server,
      `
name: morning
description: now described
triggers:
  - type: schedule
    cron: "${CRON}"
    timezone: ${ZONE}
  - type: schedule
    cron: "30 18 * * *"
    catchUp: none
steps:
  - { id: a, type: log, with: { message: hi } }
`,
    );
    const item = (await listSchedules()).find((s) => s.triggerId === "schedule-2")!;
    expect(item.paused).toBe(true);
    await action("schedule-2", "resume");
  });

  it("answers an unknown schedule with 404 and a viewer with 403", async () => {
    const unknown = await expectProblem(await action("schedule-9", "pause"), 404, "not-found");
    expect(unknown.detail).toBe('schedule "morning/schedule-9" does not exist');

    const viewer = await server.tokenFor("viewer");
    const response = await server.api(`/api/v1/schedules/${workflowId}/schedule/pause`, {
      method: "POST",
      headers: { authorization: `Bearer ${viewer}` },
    });
    await expectProblem(response, 403, "forbidden");
  });
});
