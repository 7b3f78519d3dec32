import type { RunsByStatus } from "../../../api/answers.ts";
import { statusColor } from "../../../components/status-badge.tsx";
import { bucketLabel, formatPercent } from "../format.ts";

/**
 * The stats API's buckets turned into what the charts draw and what their text alternatives
 * say. Kept apart from the chart components so that the chart library loads only with them.
 */

/** The run statuses the stats count, in the order their bars stack from the bottom. */
export const CHART_STATUSES = ["succeeded", "failed", "cancelled", "running", "queued"] as const;
export type ChartStatus = (typeof CHART_STATUSES)[number];

export interface ChartSeriesSpec {
  name: string;
  color: string;
}

/** One bar per bucket: its axis label, and a count per series name. */
export type ChartRow = { label: string } & Record<string, number | string>;

/** A series per status, each in the colour its badge has everywhere else. */
export const STATUS_SERIES: ChartSeriesSpec[] = CHART_STATUSES.map((status) => ({
  name: status,
  color: `${statusColor(status)}.6`,
}));

export const THROUGHPUT_SERIES: ChartSeriesSpec[] = [{ name: "runs", color: "indigo.6" }];

export function statusRows(answer: RunsByStatus): ChartRow[] {
  return answer.buckets.map((b) => {
    const row: ChartRow = { label: bucketLabel(b.start, answer.bucket) };
    for (const status of CHART_STATUSES) row[status] = b[status];
    return row;
  });
}

export function throughputRows(answer: RunsByStatus): ChartRow[] {
  return answer.buckets.map((b) => ({ label: bucketLabel(b.start, answer.bucket), runs: b.total }));
}

/**
 * The series that have a count in some row: the chart and its legend show only these (a
 * legend of five statuses where two had runs wraps on a phone), the table all of them.
 */
export function seriesWithCounts(series: ChartSeriesSpec[], rows: ChartRow[]): ChartSeriesSpec[] {
  return series.filter((s) => rows.some((row) => Number(row[s.name] ?? 0) > 0));
}

/** Each status' runs over the whole range. */
export function statusTotals(answer: RunsByStatus): Record<ChartStatus, number> {
  const totals = Object.fromEntries(CHART_STATUSES.map((s) => [s, 0])) as Record<
    ChartStatus,
    number
  >;
  for (const b of answer.buckets) for (const status of CHART_STATUSES) totals[status] += b[status];
  return totals;
}

/** "Runs by status, the last 24 hours: 4 succeeded, 1 failed": the chart in one sentence. */
export function statusSummary(title: string, rangeText: string, answer: RunsByStatus): string {
  const totals = statusTotals(answer);
  const parts = CHART_STATUSES.filter((s) => totals[s] > 0).map((s) => `${totals[s]} ${s}`);
  return `${title}, ${rangeText}: ${parts.length === 0 ? "no runs" : parts.join(", ")}`;
}

/** "Throughput, the last 24 hours: 5 runs, at most 5 in one hour (14:00)". */
export function throughputSummary(title: string, rangeText: string, answer: RunsByStatus): string {
  const total = answer.buckets.reduce((sum, b) => sum + b.total, 0);
  if (total === 0) return `${title}, ${rangeText}: no runs`;
  const busiest = answer.buckets.reduce((a, b) => (b.total > a.total ? b : a));
  return (
    `${title}, ${rangeText}: ${total} ${total === 1 ? "run" : "runs"}, at most ${busiest.total} ` +
    `in one ${answer.bucket} (${bucketLabel(busiest.start, answer.bucket)})`
  );
}

/**
 * The success rate per bucket in percent, null where no run ended; undefined when fewer than
 * two buckets have one, since a trend needs two points.
 */
export function successTrend(answer: RunsByStatus): (number | null)[] | undefined {
  const points = answer.buckets.map((b) =>
    b.succeeded + b.failed === 0 ? null : (100 * b.succeeded) / (b.succeeded + b.failed),
  );
  return points.filter((p) => p !== null).length >= 2 ? points : undefined;
}

/** "from 50% to 100%": the first and the last known rate of a trend. */
export function trendSummary(points: (number | null)[]): string {
  const known = points.filter((p): p is number => p !== null);
  if (known.length === 0) return "no runs ended";
  return `from ${formatPercent(known[0]! / 100)} to ${formatPercent(known.at(-1)! / 100)}`;
}
