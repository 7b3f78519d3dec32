import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Db } from "../../store/database.ts";
import {
  countEndedRuns,
  countRunsByStatus,
  recentDurations,
  type StatusCounts,
  slowestWorkflows,
  upcomingSchedules,
} from "../../store/run-stats.ts";
import { STATS_RANGES } from "../dashboard-layout.ts";
import { asZod, type Services } from "../services.ts";

const HOUR = 3_600_000;
const RANGE_MS = { "24h": 24 * HOUR, "7d": 7 * 24 * HOUR, "30d": 30 * 24 * HOUR } as const;
const BUCKET_MS = { hour: HOUR, day: 24 * HOUR } as const;
const STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
/** Percentiles are of at most this many of the latest ended runs: exact below it, cheap above. */
const DURATION_SAMPLE = 10_000;

const range = z.enum(STATS_RANGES).default("24h");
const limit = z.coerce.number().int().min(1).max(50).default(10);
const iso = (ms: number) => new Date(ms).toISOString();

const count = z.number().int();
const statusCounts = z.object({
  queued: count,
  running: count,
  succeeded: count,
  failed: count,
  cancelled: count,
});
const byStatusAnswer = z.object({
  range: z.enum(STATS_RANGES),
  bucket: z.enum(["hour", "day"]),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  buckets: z.array(statusCounts.extend({ start: z.iso.datetime(), total: z.number().int() })),
});
const summaryAnswer = statusCounts.extend({
  range: z.enum(STATS_RANGES),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  total: z.number().int(),
  successRate: z.number().nullable(),
  ended: z.number().int(),
  runsPerMinute: z.number(),
  p50DurationMs: z.number().nullable(),
  p95DurationMs: z.number().nullable(),
  durationSample: z.number().int(),
});
const slowestAnswer = z.object({
  range: z.enum(STATS_RANGES),
  items: z.array(
    z.object({
      workflowId: z.string(),
      workflowName: z.string(),
      runs: z.number().int(),
      avgDurationMs: z.number(),
      maxDurationMs: z.number(),
    }),
  ),
});
const upcomingAnswer = z.object({
  items: z.array(
    z.object({
      workflowId: z.string(),
      workflowName: z.string(),
      triggerId: z.string(),
      cron: z.string(),
      timezone: z.string(),
      nextFireAt: z.iso.datetime(),
    }),
  ),
});

/** GET /api/v1/stats/runs-by-status. */
export type RunsByStatusAnswer = z.infer<typeof byStatusAnswer>;
/** GET /api/v1/stats/summary. */
export type StatsSummaryAnswer = z.infer<typeof summaryAnswer>;
/** GET /api/v1/stats/slowest-workflows. */
export type SlowestWorkflowsAnswer = z.infer<typeof slowestAnswer>;
/** GET /api/v1/stats/upcoming-schedules. */
export type UpcomingSchedulesAnswer = z.infer<typeof upcomingAnswer>;

/**
 * Aggregates for the dashboard's widgets over the last 24h, 7d or 30d. Recent failures are
 * the runs list: `GET /api/v1/runs?status=failed&limit=10`.
 */
export function registerStatsRoutes(fastify: FastifyInstance, services: Services): void {
  const app = asZod(fastify);
  const db = services.store.db;
  const viewer = { access: "viewer" as const };

  app.get(
    "/api/v1/stats/runs-by-status",
    {
      config: viewer,
      schema: {
        tags: ["stats"],
        summary: "Runs created per hour or day (UTC) by status, every bucket present",
        description: "bucket defaults to hour for 24h and to day for 7d and 30d.",
        querystring: z.object({ range, bucket: z.enum(["hour", "day"]).optional() }),
        response: { 200: byStatusAnswer },
      },
    },
    async (request) => {
      const { range } = request.query;
      const bucket = request.query.bucket ?? (range === "24h" ? "hour" : "day");
      const to = Date.now();
      const from = to - RANGE_MS[range];
      const buckets = await countBuckets(db, from, to, BUCKET_MS[bucket]);
      return { range, bucket, from: iso(from), to: iso(to), buckets };
    },
  );

  app.get(
    "/api/v1/stats/summary",
    {
      config: viewer,
      schema: {
        tags: ["stats"],
        summary: "Counts by status, success rate, throughput and duration percentiles",
        description:
          "Counts are of runs created in the range, by their status now; successRate is " +
          "succeeded / (succeeded + failed). runsPerMinute and the p50 and p95 durations " +
          "(end minus start) are of runs that ended in the range; the percentiles are of " +
          `the latest ${DURATION_SAMPLE} of them at most (durationSample says how many).`,
        querystring: z.object({ range }),
        response: { 200: summaryAnswer },
      },
    },
    async (request) => {
      const { range } = request.query;
      const to = Date.now();
      const from = to - RANGE_MS[range];
      return {
        range,
        from: iso(from),
        to: iso(to),
        ...(await summarize(db, from, RANGE_MS[range])),
      };
    },
  );

  app.get(
    "/api/v1/stats/slowest-workflows",
    {
      config: viewer,
      schema: {
        tags: ["stats"],
        summary: "Workflows by mean run duration in the range, slowest first",
        querystring: z.object({ range, limit }),
        response: { 200: slowestAnswer },
      },
    },
    async (request) => {
      const { range, limit } = request.query;
      const rows = await slowestWorkflows(db, Date.now() - RANGE_MS[range], limit);
      return {
        range,
        items: rows.map((r) => ({
          workflowId: r.workflowId,
          workflowName: r.workflowName,
          runs: r.runs,
          avgDurationMs: Math.round(r.avgMs),
          maxDurationMs: r.maxMs,
        })),
      };
    },
  );

  app.get(
    "/api/v1/stats/upcoming-schedules",
    {
      config: viewer,
      schema: {
        tags: ["stats"],
        summary: "The next schedules to fire, without paused ones or archived workflows",
        querystring: z.object({ limit }),
        response: { 200: upcomingAnswer },
      },
    },
    async (request) => {
      const rows = await upcomingSchedules(db, request.query.limit);
      return {
        items: rows.map((s) => ({
          workflowId: s.workflow_id,
          workflowName: s.name,
          triggerId: s.trigger_id,
          cron: s.cron,
          timezone: s.timezone,
          nextFireAt: iso(s.next_fire_at!),
        })),
      };
    },
  );
}

/** Every bucket from the one holding `from` to the one holding `to`, zeros included. */
async function countBuckets(db: Db, from: number, to: number, bucketMs: number) {
  const buckets = [];
  for (let start = Math.floor(from / bucketMs) * bucketMs; start <= to; start += bucketMs) {
    const counts = await countRunsByStatus(db, Math.max(start, from), start + bucketMs);
    buckets.push({ start: iso(start), ...counts, total: totalOf(counts) });
  }
  return buckets;
}

async function summarize(db: Db, from: number, rangeMs: number) {
  const counts = await countRunsByStatus(db, from, Number.MAX_SAFE_INTEGER);
  const decided = counts.succeeded + counts.failed;
  const ended = await countEndedRuns(db, from);
  const durations = (await recentDurations(db, from, DURATION_SAMPLE)).sort((a, b) => a - b);
  const percentile = (p: number) =>
    durations.length === 0 ? null : durations[Math.floor(p * (durations.length - 1))]!;
  return {
    ...counts,
    total: totalOf(counts),
    successRate: decided === 0 ? null : counts.succeeded / decided,
    ended,
    runsPerMinute: ended / (rangeMs / 60_000),
    p50DurationMs: percentile(0.5),
    p95DurationMs: percentile(0.95),
    durationSample: durations.length,
  };
}

function totalOf(counts: StatusCounts): number {
  return STATUSES.reduce((sum, s) => sum + counts[s], 0);
}
