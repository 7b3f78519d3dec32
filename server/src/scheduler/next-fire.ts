/**
 * Fire times of `schedule` triggers: a cron expression read in an IANA time zone, as epoch
 * milliseconds. croner does the cron matching; this module fixes its options and the
 * catch-up policy.
 *
 * Daylight-saving policy, as Weft documents it:
 * - A fixed-time schedule has no `*`, `?` or step in its second, minute and hour fields
 *   (`30 2 * * *`, `0 30 2 * * *`, `30 2,14 * * *`, `0 1-4 * * *`).
 * - A fixed-time local time that does not exist (spring-forward gap) fires once, at the first
 *   instant after the gap: `30 2 * * *` in Europe/Berlin on 2026-03-29 fires at 03:00 CEST.
 * - A fixed-time local time that occurs twice (fall-back) fires once, at its first occurrence:
 *   `30 2 * * *` in Europe/Berlin on 2026-10-25 fires at 02:30 CEST only.
 * - Every other schedule follows real elapsed time: it fires at each instant whose wall clock
 *   matches, so `15 * * * *` fires in both passes of a repeated hour and not in a gap, and a
 *   30-minute step in the minute field fires every 30 real minutes through both transitions.
 *
 * croner 11 implements this with `fixedTimeRule: "no-wildcard"`. Its default rule counts only
 * single values as fixed, which would skip `0,30 2 * * *` entirely on a spring-forward day.
 */
import { Cron } from "croner";
import { ValidationError } from "../errors.ts";

/** How late a slot may fire and still count as on time; an older slot is missed. */
export const MISSED_GRACE_MS = 60_000;

/** What to do with slots missed while no scheduler ran. */
export type CatchUp = "none" | "latest" | "all";

/** The stored state of a schedule and the current instant, for dueSlots. */
export interface DueSlotsInput {
  expression: string;
  timezone: string;
  /** The stored next fire time; it counts as a slot. */
  nextFireAt: number;
  now: number;
  catchUp: CatchUp;
  /** The most slots to fire at once; when more are due, the most recent ones are kept. */
  limit: number;
}

/** The slots to fire now, oldest first, and the next fire time to store. */
export interface DueSlots {
  fire: number[];
  nextFireAt: number | undefined;
}

const FIELD_HELP =
  "a cron needs 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first";

/** croner's names for out-of-range fields, with the value it reports minus the value given. */
const RANGE_FIELDS: Record<string, { name: string; range: string; shift: number }> = {
  second: { name: "second", range: "0-59", shift: 0 },
  minute: { name: "minute", range: "0-59", shift: 0 },
  hour: { name: "hour", range: "0-23", shift: 0 },
  day: { name: "day of month", range: "1-31", shift: 1 },
  nearestWeekdays: { name: "day of month", range: "1-31", shift: 1 },
  month: { name: "month", range: "1-12", shift: 1 },
  dayOfWeek: { name: "day of week", range: "0-7", shift: 0 },
};

const OUT_OF_RANGE = /^Invalid value for (\w+): (-?\d+)$/;

/** Any instant works: without a year field, a pattern that matches a date matches it again. */
const NEVER_REFERENCE = new Date(Date.UTC(2000, 0, 1));

/** Says why a cron expression is unusable (field count, syntax, never fires), or undefined. */
export function checkCron(expression: string): string | undefined {
  const fault = checkCronSyntax(expression);
  if (fault) return fault;

  if (createCron(expression, "UTC").nextRun(NEVER_REFERENCE) === null) {
    return `"${expression}" never fires: no date matches it`;
  }
  return undefined;
}

/** Says why a time zone is not a known IANA zone, or undefined. */
export function checkTimezone(zone: string): string | undefined {
  const fault = `"${zone}" is not a known IANA time zone`;

  // Intl also takes UTC offsets such as +01:00, which are not zones and know no DST.
  if (/^[+-]/.test(zone)) return `${fault}: use a zone name such as Europe/Berlin`;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions();
    return undefined;
  } catch {
    return fault;
  }
}

/** The first slot strictly after `after`, or undefined if the schedule never fires again. */
export function nextFireAfter(
  expression: string,
  timezone: string,
  after: number,
): number | undefined {
  return nextSlot(requireCron(expression, timezone), after);
}

/**
 * Which slots to fire now, given the stored next fire time, and the next fire time to store.
 * Slots within MISSED_GRACE_MS of now always fire; missed ones follow `catchUp`. It computes
 * at most about 2 × limit slots, however long the scheduler was down.
 */
export function dueSlots(input: DueSlotsInput): DueSlots {
  if (!Number.isInteger(input.limit) || input.limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${input.limit}`);
  }
  if (input.nextFireAt > input.now) return { fire: [], nextFireAt: input.nextFireAt };

  const cron = requireCron(input.expression, input.timezone);
  // Enough slots to hold every on-time one (a 6-field cron has 61 in the grace) and `limit`
  // missed ones: the policy and `limit` bound only the missed slots, never the on-time ones.
  const window = input.limit + ON_TIME_MAX;
  const { slots, next } = recentSlots(cron, input.nextFireAt, input.now, window);
  return { fire: applyCatchUp(slots, input.now, input.catchUp, input.limit), nextFireAt: next };
}

/** The last `limit` slots from `first` to `now`, and the first slot after `now`. */
function recentSlots(
  cron: Cron,
  first: number,
  now: number,
  limit: number,
): { slots: number[]; next: number | undefined } {
  const slots = [first];
  let next = nextSlot(cron, first);
  while (next !== undefined && next <= now && slots.length <= limit) {
    slots.push(next);
    next = nextSlot(cron, next);
  }
  if (next === undefined || next > now) return { slots: slots.slice(-limit), next };

  // More than limit + 1 slots are due: walk back from now instead of through all of them.
  const latest = cron.previousRuns(limit, new Date(now + 1)).map((date) => date.getTime());
  return { slots: latest.reverse(), next: nextSlot(cron, now) };
}

/** At most this many slots fit in the grace: one a second, both ends included. */
const ON_TIME_MAX = MISSED_GRACE_MS / 1000 + 1;

/** Keeps the due slots (oldest first) that the policy fires: all on time, missed by policy. */
function applyCatchUp(slots: number[], now: number, catchUp: CatchUp, limit: number): number[] {
  const firstOnTime = slots.findIndex((slot) => now - slot <= MISSED_GRACE_MS);
  const split = firstOnTime === -1 ? slots.length : firstOnTime;
  const missed = slots.slice(0, split);
  const onTime = slots.slice(split);

  if (catchUp === "all") return [...missed.slice(-limit), ...onTime];
  if (catchUp === "latest") return [...missed.slice(-1), ...onTime];
  return onTime;
}

function nextSlot(cron: Cron, after: number): number | undefined {
  return cron.nextRun(new Date(after))?.getTime();
}

function requireCron(expression: string, timezone: string): Cron {
  const cronFault = checkCronSyntax(expression);
  const zoneFault = checkTimezone(timezone);
  const issues = [
    ...(cronFault ? [{ path: "cron", message: cronFault }] : []),
    ...(zoneFault ? [{ path: "timezone", message: zoneFault }] : []),
  ];
  if (issues.length > 0) throw new ValidationError(issues);
  return createCron(expression, timezone);
}

function checkCronSyntax(expression: string): string | undefined {
  const fields = expression.split(/\s+/).filter((field) => field !== "").length;
  if (fields !== 5 && fields !== 6) {
    return `"${expression}" has ${fields} field${fields === 1 ? "" : "s"}: ${FIELD_HELP}`;
  }

  try {
    createCron(expression, "UTC");
    return undefined;
  } catch (error) {
    return `"${expression}" is not a valid cron: ${describeCronError(error)}`;
  }
}

function createCron(expression: string, timezone: string): Cron {
  return new Cron(expression, { timezone, mode: "5-or-6-parts", fixedTimeRule: "no-wildcard" });
}

/** croner's reason without its prefix, with day and month values as the user wrote them. */
function describeCronError(error: unknown): string {
  const reason = (error instanceof Error ? error.message : String(error)).replace(
    /^CronPattern: /,
    "",
  );
  const match = OUT_OF_RANGE.exec(reason);
  const field = match && RANGE_FIELDS[match[1]!];
  if (!match || !field) return reason;

  return `${field.name} ${Number(match[2]) + field.shift} is out of range ${field.range}`;
}
