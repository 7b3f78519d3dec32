import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nextFireAfter } from "../../src/scheduler/next-fire.ts";
import { applyYaml, startTestServer, type TestServer } from "../helpers/test-server.ts";

/** A workflow's schedule triggers list their next fire times, for the dashboard to show. */

let server: TestServer;

const CRON = "15 6 * * 1";
const ZONE = "America/New_York";

interface ScheduleTrigger {
  id: string;
  nextFireAt: string | null;
  upcoming: string[];
  paused: boolean;
}

const scheduleTrigger = async (id: string) => {
  const response = await server.api("/api/v1/workflows/weekly");
  expect(response.status).toBe(200);
  const body = (await response.json()) as { triggers: ScheduleTrigger[] };
  return body.triggers.find((t) => t.id === id)!;
};

beforeAll(async () => {
  server = await startTestServer();
  await applyYaml(
    server,
    `
name: weekly
triggers:
  - type: manual
  - type: schedule
    cron: "${CRON}"
    timezone: ${ZONE}
steps:
  - { id: a, type: log, with: { message: hi } }
`,
  );
});
afterAll(() => server.close());

describe("upcoming fire times", () => {
  it("lists five, from nextFireAt on, each the cron's next slot after the one before", async () => {
    const trigger = await scheduleTrigger("schedule");
    expect(trigger.upcoming).toHaveLength(5);
    expect(trigger.upcoming[0]).toBe(trigger.nextFireAt);

    for (let i = 1; i < 5; i += 1) {
      const expected = nextFireAfter(CRON, ZONE, Date.parse(trigger.upcoming[i - 1]!))!;
      expect(trigger.upcoming[i]).toBe(new Date(expected).toISOString());
    }
    // Weekly: a week apart, give or take a daylight-saving hour.
    const gaps = trigger.upcoming
      .slice(1)
      .map((at, i) => Date.parse(at) - Date.parse(trigger.upcoming[i]!));
    for (const gap of gaps) expect(Math.abs(gap - 7 * 86_400_000)).toBeLessThanOrEqual(3_600_000);
  });

  it("lists none while paused, and five again once resumed", async () => {
    const pause = await server.api("/api/v1/schedules/weekly/schedule/pause", { method: "POST" });
    expect(pause.status).toBe(200);
    const paused = await scheduleTrigger("schedule");
    expect(paused.paused).toBe(true);
    expect(paused.upcoming).toEqual([]);

    const resume = await server.api("/api/v1/schedules/weekly/schedule/resume", {
      method: "POST",
    });
    expect(resume.status).toBe(200);
    const resumed = await scheduleTrigger("schedule");
    expect(resumed.upcoming).toHaveLength(5);
    expect(Date.parse(resumed.upcoming[0]!)).toBeGreaterThan(Date.now());
  });

  it("gives other triggers no fire times", async () => {
    const manual = (await scheduleTrigger("manual")) as Partial<ScheduleTrigger>;
    expect(manual).toEqual({ id: "manual", type: "manual" });
  });
});
