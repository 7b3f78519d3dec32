import { Kysely, SqliteDialect } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as runStats from "../../src/store/run-stats.ts";
import type { Database } from "../../src/store/schema.ts";
import { expectProblem } from "../helpers/problem.ts";
import { insertRuns, type RunRowSpec } from "../helpers/run-rows.ts";
import { applyYaml, startTestServer, type TestServer } from "../helpers/test-server.ts";

/** The dashboard's aggregates over runs written with known times, durations and statuses. */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let server: TestServer;
let viewer: string;
let now: number;
let fastId: string;
let slowId: string;

const ago = (ms: number) => now - ms;
const ended = (
  workflowId: string,
  status: RunRowSpec["status"],
  createdAgo: number,
  durationMs: number,
): RunRowSpec => ({
  workflowId,
  status,
  createdAt: ago(createdAgo),
  startedAt: ago(createdAgo) + 100,
  endedAt: ago(createdAgo) + 100 + durationMs,
});

beforeAll(async () => {
  server = await startTestServer();
  viewer = await server.tokenFor("viewer");
  const transform = "steps:\n  - { id: a, type: transform, with: { expression: '1' } }\n";
  fastId = (await applyYaml(server, `name: fast\n${transform}`)).id;
  slowId = (await applyYaml(server, `name: slow\n${transform}`)).id;
  for (const [name, cron] of [
    ["yearly", "0 0 1 1 *"],
    ["monthly", "0 0 1 * *"],
    ["paused-one", "0 0 * * *"],
    ["archived-one", "0 0 * * *"],
  ]) {
    await applyYaml(
      server,
      `name: ${name}\ntriggers: [{ type: schedule, cron: "${cron}", timezone: UTC }]\n${transform}`,
    );
  }
  const schedules = (await (await server.api("/api/v1/schedules")).json()) as {
    items: { workflowName: string; workflowId: string; triggerId: string }[];
  };
  const paused = schedules.items.find((s) => s.workflowName === "paused-one")!;
  await server.api(`/api/v1/schedules/${paused.workflowId}/${paused.triggerId}/pause`, {
    method: "POST",
  });
  await server.api("/api/v1/workflows/archived-one/archive", { method: "POST" });

  now = Date.now();
  await insertRuns(server, [
    ended(fastId, "succeeded", 90 * 60_000, 100),
    ended(fastId, "succeeded", 150 * 60_000, 300),
    ended(fastId, "failed", 150 * 60_000, 200),
    ended(slowId, "succeeded", 5 * HOUR + 30 * 60_000, 5000),
    ended(slowId, "cancelled", 5 * HOUR + 30 * 60_000, 7000),
    { workflowId: slowId, status: "running", createdAt: ago(30 * 60_000), startedAt: ago(1000) },
    { workflowId: fastId, status: "queued", createdAt: ago(10 * 60_000) },
    ended(fastId, "succeeded", 3 * DAY, 1000),
    ended(slowId, "failed", 3 * DAY + HOUR, 9000),
    ended(fastId, "succeeded", 20 * DAY, 4000),
    ended(slowId, "succeeded", 40 * DAY, 60_000),
  ]);
});
afterAll(() => server.close());

const get = async <T>(path: string): Promise<T> => {
  const response = await server.api(path, { headers: { authorization: `Bearer ${viewer}` } });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as T;
};

interface Bucket {
  start: string;
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  total: number;
}

describe("runs by status", () => {
  it("counts each hour of the last day, every bucket present", async () => {
    const answer = await get<{ bucket: string; buckets: Bucket[] }>(
      "/api/v1/stats/runs-by-status?range=24h",
    );
    expect(answer.bucket).toBe("hour");
    expect(answer.buckets).toHaveLength(25);
    const at = (msAgo: number) =>
      answer.buckets.find(
        (b) => b.start === new Date(Math.floor(ago(msAgo) / HOUR) * HOUR).toISOString(),
      );
    expect(at(90 * 60_000)).toMatchObject({ succeeded: 1, total: 1 });
    expect(at(150 * 60_000)).toMatchObject({ succeeded: 1, failed: 1, total: 2 });
    expect(at(5 * HOUR + 30 * 60_000)).toMatchObject({ succeeded: 1, cancelled: 1, total: 2 });
    const sum = (key: keyof Bucket) => answer.buckets.reduce((n, b) => n + (b[key] as number), 0);
    expect(sum("total")).toBe(7);
    expect(sum("queued")).toBe(1);
    expect(sum("running")).toBe(1);
  });

  it("counts by day over 7 and 30 days", async () => {
    const week = await get<{ bucket: string; buckets: Bucket[] }>(
      "/api/v1/stats/runs-by-status?range=7d",
    );
    expect(week.bucket).toBe("day");
    expect(week.buckets).toHaveLength(8);
    expect(week.buckets.reduce((n, b) => n + b.total, 0)).toBe(9);
    expect(week.buckets.reduce((n, b) => n + b.failed, 0)).toBe(2);
    const month = await get<{ buckets: Bucket[] }>(
      "/api/v1/stats/runs-by-status?range=30d&bucket=hour",
    );
    expect(month.buckets).toHaveLength(721);
    expect(month.buckets.reduce((n, b) => n + b.total, 0)).toBe(10);
  });
});

describe("summary", () => {
  it("gives counts, success rate, throughput and duration percentiles", async () => {
    const day = await get<Record<string, unknown>>("/api/v1/stats/summary?range=24h");
    expect(day).toMatchObject({
      range: "24h",
      total: 7,
      queued: 1,
      running: 1,
      succeeded: 3,
      failed: 1,
      cancelled: 1,
      successRate: 0.75,
      ended: 5,
      runsPerMinute: 5 / 1440,
      p50DurationMs: 300,
      p95DurationMs: 5000,
      durationSample: 5,
    });
    const month = await get<Record<string, unknown>>("/api/v1/stats/summary?range=30d");
    expect(month).toMatchObject({ total: 10, succeeded: 5, failed: 2, ended: 8 });
  });
});

describe("slowest workflows", () => {
  it("orders workflows by mean duration, with their names and maxima", async () => {
    const day = await get<{ items: unknown[] }>("/api/v1/stats/slowest-workflows?range=24h");
    expect(day.items).toEqual([
      {
        workflowId: slowId,
        workflowName: "slow",
        runs: 2,
        avgDurationMs: 6000,
        maxDurationMs: 7000,
      },
      { workflowId: fastId, workflowName: "fast", runs: 3, avgDurationMs: 200, maxDurationMs: 300 },
    ]);
    const month = await get<{ items: { workflowName: string; runs: number }[] }>(
      "/api/v1/stats/slowest-workflows?range=30d&limit=1",
    );
    expect(month.items).toEqual([
      {
        workflowId: slowId,
        workflowName: "slow",
        runs: 3,
        avgDurationMs: 7000,
        maxDurationMs: 9000,
      },
    ]);
  });
});

describe("upcoming schedules", () => {
  it("lists the next fire times soonest first, without paused or archived ones", async () => {
    const answer = await get<{ items: { workflowName: string; nextFireAt: string }[] }>(
      "/api/v1/stats/upcoming-schedules?limit=10",
    );
    expect(answer.items.map((s) => s.workflowName).sort()).toEqual(["monthly", "yearly"]);
    const times = answer.items.map((s) => Date.parse(s.nextFireAt));
    expect(times[0]).toBeGreaterThan(now);
    expect(times[0]).toBeLessThanOrEqual(times[1]!);
    const one = await get<{ items: unknown[] }>("/api/v1/stats/upcoming-schedules?limit=1");
    expect(one.items).toHaveLength(1);
  });
});

describe("query plans", () => {
  it("reads every aggregate from an index, never scanning the runs table", async () => {
    const plans: string[] = [];
    const sqlite = server.weft.store.sqlite;
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: sqlite }),
      log: (event) => {
        const { sql, parameters } = event.query;
        if (!sql.includes('from "runs"')) return;
        const rows = sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as {
          detail: string;
        }[];
        plans.push(rows.map((r) => r.detail).join(" | "));
      },
    });
    await runStats.countRunsByStatus(db, ago(DAY), now);
    await runStats.countEndedRuns(db, ago(DAY));
    await runStats.recentDurations(db, ago(DAY), 100);
    await runStats.slowestWorkflows(db, ago(DAY), 10);

    expect(plans[0]).toMatch(/COVERING INDEX runs_created_status/);
    expect(plans[1]).toMatch(/COVERING INDEX runs_ended_at/);
    expect(plans[2]).toMatch(/INDEX runs_ended_at/);
    expect(plans.slice(3).every((p) => /COVERING INDEX runs_workflow_ended/.test(p))).toBe(true);
    expect(plans.join("\n")).not.toMatch(/SCAN runs|TEMP B-TREE/);
  });
});

describe("parameters and the document", () => {
  it.each([
    ["runs-by-status?range=1y", "querystring.range"],
    ["runs-by-status?bucket=week", "querystring.bucket"],
    ["summary?range=", "querystring.range"],
    ["slowest-workflows?limit=0", "querystring.limit"],
    ["upcoming-schedules?limit=51", "querystring.limit"],
  ])("answers 400 naming the parameter for %s", async (query, path) => {
    const problem = await expectProblem(
      await server.api(`/api/v1/stats/${query}`),
      400,
      "bad-request",
    );
    expect(problem.detail).toContain(path);
  });

  it("needs a signed-in caller", async () => {
    await expectProblem(await fetch(`${server.url}/api/v1/stats/summary`), 401, "unauthorized");
  });

  it("describes the new routes in the OpenAPI document under their tags", async () => {
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { tags: string[]; responses: object }>>;
    };
    const tagOf = (path: string, method = "get") => doc.paths[path]?.[method]?.tags;
    expect(tagOf("/api/v1/runs/export")).toEqual(["runs"]);
    for (const path of ["runs-by-status", "summary", "slowest-workflows", "upcoming-schedules"])
      expect(tagOf(`/api/v1/stats/${path}`)).toEqual(["stats"]);
    expect(tagOf("/api/v1/me/dashboard")).toEqual(["dashboard"]);
    expect(tagOf("/api/v1/me/dashboard", "put")).toEqual(["dashboard"]);
    expect(JSON.stringify(doc.paths["/api/v1/stats/summary"]!.get!.responses)).toContain(
      "p95DurationMs",
    );
  });
});
