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
