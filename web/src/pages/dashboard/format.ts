/** How the dashboard writes times and durations: short, in the browser's locale. */

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
  ["second", 1000],
];

/** "in 5 minutes", "3 hours ago": the largest whole unit between `iso` and `now`. */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const diff = new Date(iso).getTime() - now;
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms || unit === "second")
      return format.format(Math.round(diff / ms), unit);
  }
  return format.format(0, "second");
}

/** A bucket's label on a chart's axis: its hour for hourly buckets, its day otherwise. */
export function bucketLabel(iso: string, bucket: "hour" | "day"): string {
  const date = new Date(iso);
  return bucket === "hour"
    ? date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })
    : date.toLocaleDateString(undefined, { month: "short", day: "numeric" });
}

export function formatPercent(ratio: number): string {
  return `${(Math.round(ratio * 1000) / 10).toLocaleString()}%`;
}
