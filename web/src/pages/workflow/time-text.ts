/** A run's duration as a person reads it: 340 ms, 4.2 s, 3 min 5 s, 2 h 10 min. */
export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) {
    return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  }
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

/** An instant in the browser's own time zone and format. */
export function instantText(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** An instant on a schedule's wall clock, with the zone named: "Mon, 9 Mar 2026, 09:00 CET". */
export function zonedInstantText(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(undefined, {
    timeZone,
    weekday: "short",
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(new Date(iso));
}
