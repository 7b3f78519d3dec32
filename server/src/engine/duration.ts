const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** Parses `250ms`, `10s`, `1m`, `2h`, `1d` (or a number of milliseconds) into milliseconds. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  const match = PATTERN.exec(value.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}

/** Like parseDuration, but throws a message that names the rule when the value is bad. */
export function requireDuration(value: string | number, bounds: DurationBounds): number {
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new Error(`"${value}" is not a duration: use a number with ms, s, m, h or d, like 10s`);
  }
  if (ms < bounds.min || ms > bounds.max) {
    throw new Error(
      `${value} is out of range: must be between ${formatDuration(bounds.min)} and ` +
        formatDuration(bounds.max),
    );
  }
  return ms;
}

export interface DurationBounds {
  min: number;
  max: number;
}

/** Renders milliseconds in the largest unit that divides them: 90000 → "90s", 3600000 → "1h". */
export function formatDuration(ms: number): string {
  for (const unit of ["d", "h", "m", "s"] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}
