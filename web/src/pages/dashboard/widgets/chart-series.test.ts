import { describe, expect, it } from "vitest";
import type { RunsByStatus } from "../../../api/answers.ts";
import {
  STATUS_SERIES,
  seriesWithCounts,
  statusRows,
  statusSummary,
  statusTotals,
  successTrend,
  THROUGHPUT_SERIES,
  throughputRows,
  throughputSummary,
  trendSummary,
} from "./chart-series.ts";

type Counts = Partial<Record<"queued" | "running" | "succeeded" | "failed" | "cancelled", number>>;

/** An hourly answer from 10:00 UTC, one bucket per entry of `counts`. */
function answer(counts: Counts[]): RunsByStatus {
  const start = Date.UTC(2026, 11, 4, 10);
  return {
    range: "24h",
    bucket: "hour",
    from: new Date(start).toISOString(),
    to: new Date(start + counts.length * 3_600_000).toISOString(),
    buckets: counts.map((c, i) => {
      const b = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, ...c };
      return {
        ...b,
        start: new Date(start + i * 3_600_000).toISOString(),
        total: b.queued + b.running + b.succeeded + b.failed + b.cancelled,
      };
    }),
  };
}

const sample = answer([{}, { succeeded: 3, failed: 1 }, { succeeded: 1, running: 2 }]);

describe("chart series", () => {
  it("gives each status its badge colour, succeeded at the bottom of the stack", () => {
    expect(STATUS_SERIES).toEqual([
      { name: "succeeded", color: "green.6" },
      { name: "failed", color: "red.6" },
      { name: "cancelled", color: "yellow.6" },
      { name: "running", color: "blue.6" },
      { name: "queued", color: "gray.6" },
    ]);
    expect(THROUGHPUT_SERIES.map((s) => s.name)).toEqual(["runs"]);
  });

  it("turns each bucket into a row with its label and a count per series", () => {
    const rows = statusRows(sample);
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatchObject({ succeeded: 3, failed: 1, cancelled: 0, running: 0, queued: 0 });
    expect(rows.map((r) => r.label)).toEqual(
      sample.buckets.map((b) =>
        new Date(b.start).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" }),
      ),
    );
    expect(throughputRows(sample).map((r) => r.runs)).toEqual([0, 4, 3]);
    for (const row of [...statusRows(sample), ...throughputRows(sample)])
      for (const s of [...STATUS_SERIES, ...THROUGHPUT_SERIES])
        if (s.name in row) expect(typeof row[s.name]).toBe("number");
  });

  it("draws only the series with runs, in their stacking order", () => {
    expect(seriesWithCounts(STATUS_SERIES, statusRows(sample)).map((s) => s.name)).toEqual([
      "succeeded",
      "failed",
      "running",
    ]);
    expect(seriesWithCounts(STATUS_SERIES, statusRows(answer([{}])))).toEqual([]);
  });

  it("totals the statuses and says them in a sentence, leaving out those with none", () => {
    expect(statusTotals(sample)).toEqual({
      succeeded: 4,
      failed: 1,
      cancelled: 0,
      running: 2,
      queued: 0,
    });
    expect(statusSummary("Runs by status", "the last 24 hours", sample)).toBe(
      "Runs by status, the last 24 hours: 4 succeeded, 1 failed, 2 running",
    );
    expect(statusSummary("Runs", "the last 7 days", answer([{}, {}]))).toBe(
      "Runs, the last 7 days: no runs",
    );
  });

  it("sums the throughput and names its busiest bucket", () => {
    const busiest = new Date(sample.buckets[1]!.start).toLocaleTimeString(undefined, {
      hour: "2-digit",
      minute: "2-digit",
    });
    expect(throughputSummary("Throughput", "the last 24 hours", sample)).toBe(
      `Throughput, the last 24 hours: 7 runs, at most 4 in one hour (${busiest})`,
    );
    expect(throughputSummary("Throughput", "the last 24 hours", answer([{ queued: 1 }]))).toMatch(
      /: 1 run, at most 1 in one hour/,
    );
    expect(throughputSummary("Throughput", "the last 24 hours", answer([{}]))).toBe(
      "Throughput, the last 24 hours: no runs",
    );
  });

  it("draws a success trend only where runs ended, and only with two such buckets", () => {
    expect(successTrend(sample)).toEqual([null, 75, 100]);
    expect(trendSummary([null, 75, 100])).toBe(`from ${(75).toLocaleString()}% to 100%`);
    // Running and cancelled runs have not succeeded or failed: no point for them.
    expect(successTrend(answer([{ succeeded: 2 }, { running: 3, cancelled: 1 }]))).toBeUndefined();
    expect(successTrend(answer([]))).toBeUndefined();
  });
});
