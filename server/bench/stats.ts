import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kysely, SqliteDialect } from "kysely";
import { generateToken, hashToken } from "../src/auth/tokens.ts";
import { createUser } from "../src/auth/users.ts";
import { loadConfig } from "../src/config/config.ts";
import { createLogger } from "../src/observability/logger.ts";
import { newId } from "../src/store/ids.ts";
import * as stats from "../src/store/run-stats.ts";
import type { Database } from "../src/store/schema.ts";
import { insertToken } from "../src/store/users.ts";
import { createWeft, type Weft } from "../src/weft.ts";

/**
 * `npm run bench:stats`: fills a temporary store with BENCH_RUNS runs (1,000,000 by default)
 * spread over the last 30 days, then times each dashboard aggregate with its query plan, and
 * exports 1,000 and then every run as CSV over HTTP, with the time and the growth of this
 * process's resident memory over its level before each export.
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 1_000_000);
const SMALL = 1000;
const WORKFLOWS = 50;
const DAY = 86_400_000;

const dataDir = mkdtempSync(join(tmpdir(), "weft-bench-stats-"));
const config = loadConfig({ WEFT_DATA_DIR: dataDir, WEFT_PORT: "0", WEFT_LOG_LEVEL: "silent" });
const weft = await createWeft(config, createLogger("silent"), {
  http: true,
  workers: false,
  scheduler: false,
});
try {
  const started = performance.now();
  fill(weft);
  console.log(`filled ${RUNS + SMALL} runs in ${seconds(performance.now() - started)}`);
  await timeAggregates(weft);
  await timeExports(weft);
} finally {
  await weft.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

/** Inserts straight through one prepared statement, in transactions of 50,000 runs. */
function fill(weft: Weft): void {
  const sqlite = weft.store.sqlite;
  const now = Date.now();
  const addWorkflow = sqlite.prepare(
    "INSERT INTO workflows VALUES (?, ?, '', ',bench,', 1, NULL, ?, ?)",
  );
  const workflowIds = Array.from({ length: WORKFLOWS + 1 }, (_, i) => {
    const id = newId(now - 31 * DAY);
    addWorkflow.run(id, i === WORKFLOWS ? "small" : `bench-${i}`, now, now);
    return id;
  });
  const addRun = sqlite.prepare(
    "INSERT INTO runs (id, workflow_id, version, status, trigger_type, trigger_id, trigger, " +
      "tags, error, created_at, started_at, ended_at) " +
      "VALUES (?, ?, 1, ?, 'schedule', 'schedule-0', '{}', ',bench,', ?, ?, ?, ?)",
  );
  const error = JSON.stringify({ kind: "http", message: 'status 503, body "=busy, retry"' });
  const total = RUNS + SMALL;
  const smallEvery = Math.floor(total / SMALL);
  const insertBatch = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const createdAt = now - 30 * DAY + Math.floor((i * 30 * DAY) / total);
      const w = i % smallEvery === 0 && i / smallEvery < SMALL ? WORKFLOWS : i % WORKFLOWS;
      const status = i % 20 === 0 ? "failed" : i % 33 === 0 ? "cancelled" : "succeeded";
      const startedAt = createdAt + 5;
      const endedAt = startedAt + 10 + ((i * 7919) % (200 * (w + 1)));
      addRun.run(
        newId(createdAt),
        workflowIds[w],
        status,
        status === "failed" ? error : null,
        createdAt,
        startedAt,
        endedAt,
      );
    }
  });
  for (let i = 0; i < total; i += 50_000) insertBatch(i, Math.min(total, i + 50_000));
  sqlite.pragma("optimize");
}

async function timeAggregates(weft: Weft): Promise<void> {
  const plans: string[] = [];
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: weft.store.sqlite }),
    log: (event) => {
      if (event.level === "query")
        plans.push(planOf(weft, event.query.sql, event.query.parameters));
    },
  });
  const now = Date.now();
  for (const [label, days] of [
    ["24h", 1],
    ["7d", 7],
    ["30d", 30],
  ] as const) {
    const since = now - days * DAY;
    await time(`counts ${label}`, () => stats.countRunsByStatus(db, since, now + 1));
    await time(`ended ${label}`, () => stats.countEndedRuns(db, since));
    await time(`10k durations ${label}`, () => stats.recentDurations(db, since, 10_000));
    await time(`slowest workflows ${label}`, () => stats.slowestWorkflows(db, since, 10));
  }
  await time("upcoming schedules", () => stats.upcomingSchedules(db, 10));
  console.log("query plans:");
  for (const plan of new Set(plans)) console.log(`  ${plan}`);
}

function planOf(weft: Weft, sql: string, parameters: readonly unknown[]): string {
  const rows = weft.store.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as {
    detail: string;
  }[];
  return rows.map((r) => r.detail).join(" | ");
}

async function time(label: string, fn: () => Promise<unknown>): Promise<void> {
  await fn();
  const started = performance.now();
  await fn();
  console.log(`${label.padEnd(40)} ${(performance.now() - started).toFixed(1).padStart(8)} ms`);
}

/** Each stats route as the dashboard calls it, over HTTP. */
async function timeRoutes(url: string, token: string): Promise<void> {
  const routes = [
    "runs-by-status?range=24h",
    "runs-by-status?range=7d",
    "runs-by-status?range=30d",
    "runs-by-status?range=30d&bucket=hour",
    "summary?range=24h",
    "summary?range=30d",
    "slowest-workflows?range=30d",
    "upcoming-schedules",
  ];
  for (const route of routes) {
    const path = `${url}/api/v1/stats/${route}`;
    await time(`GET ${route}`, async () => {
      const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
      if (!response.ok) throw new Error(`${route} answered ${response.status}`);
      await response.arrayBuffer();
    });
  }
}

async function timeExports(weft: Weft): Promise<void> {
  const url = await weft.start();
  const user = await createUser(weft.store.db, {
    email: "bench@example.test",
    password: "a-long-password",
    role: "viewer",
  });
  const token = generateToken("weft");
  await insertToken(weft.store.db, {
    userId: user.id,
    name: "bench",
    hash: hashToken(token),
    expiresAt: null,
  });
  await timeRoutes(url, token);
  const exports = [
    [`${SMALL} runs`, "&workflow=small"],
    ["every run", ""],
  ] as const;
  for (const [label, query] of exports) {
    const result = await exportCsv(`${url}/api/v1/runs/export?format=csv${query}`, token);
    console.log(
      `export ${label.padEnd(10)} ${result.rows} rows, ${(result.bytes / 1e6).toFixed(1)} MB in ` +
        `${seconds(result.ms)}; peak RSS +${mb(result.rssGrowth)}` +
        (result.liveGrowth === null
          ? ""
          : `, peak live heap and buffers +${mb(result.liveGrowth)}`),
    );
  }
}

/**
 * Peak RSS growth shows what the process took from the system, garbage included; with
 * --expose-gc (as `npm run bench:stats` runs it) the live heap and buffers are also sampled
 * after a collection every second, which is what the export actually holds.
 */
async function exportCsv(url: string, token: string) {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakLive = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 10);
  const liveSampler = setInterval(() => {
    if (!gc) return;
    gc();
    const m = process.memoryUsage();
    peakLive = Math.max(peakLive, m.heapUsed + m.arrayBuffers);
  }, 1000);

  const started = performance.now();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`export answered ${response.status}: ${await response.text()}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of response.body!) {
    bytes += chunk.length;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  clearInterval(liveSampler);
  const live = Math.max(0, peakLive - (baseline.heapUsed + baseline.arrayBuffers));
  return {
    rows: lines - 1,
    bytes,
    ms,
    rssGrowth: peakRss - baseline.rss,
    liveGrowth: gc ? live : null,
  };
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
