import type { RunDetail, StepRunDetail } from "../../api/answers.ts";

/** Where a step's bar sits on the run's timeline, in percent of the run's span. */
export interface TimelineBar {
  offsetPct: number;
  widthPct: number;
}

/** The instants the timeline spans, in epoch milliseconds. */
export interface TimelineSpan {
  start: number;
  end: number;
}

/** The narrowest bar drawn, so that a step of a millisecond still shows where it ran. */
const MIN_BAR_PCT = 0.75;

const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : undefined);

/**
 * From the run's start (its creation while queued) to its end, or to `now` while it is open,
 * and never shorter than the steps drawn on it (clocks of two instances may differ a little).
 */
export function timelineSpan(run: RunDetail, now: number): TimelineSpan {
  const stepTimes = run.steps.flatMap((s) => [ms(s.startedAt), ms(s.endedAt)]);
  const known = (values: (number | undefined)[]) =>
    values.filter((v): v is number => v !== undefined);
  const start = Math.min(ms(run.startedAt) ?? ms(run.createdAt) ?? now, ...known(stepTimes));
  const end = Math.max(ms(run.endedAt) ?? now, ...known(stepTimes), start);
  return { start, end };
}

/**
 * Step runs in the order they started; those not started yet (pending, queued, skipped) follow
 * in the definition's order, which the server's answer already has.
 */
export function stepsInStartOrder(steps: readonly StepRunDetail[]): StepRunDetail[] {
  return steps
    .map((step, index) => ({ step, index, start: ms(step.startedAt) }))
    .sort((a, b) => {
      if (a.start === undefined || b.start === undefined) {
        if (a.start !== b.start) return a.start === undefined ? 1 : -1;
        return a.index - b.index;
      }
      return a.start - b.start || a.index - b.index;
    })
    .map((entry) => entry.step);
}

/** How long a step run took, or has taken so far while it is open; undefined before it starts. */
export function stepDurationMs(step: StepRunDetail, now: number): number | undefined {
  const start = ms(step.startedAt);
  if (start === undefined) return undefined;
  return Math.max(0, (ms(step.endedAt) ?? now) - start);
}

/** The step's bar: when it started and how long it took, relative to the run's span. */
export function stepBar(
  step: StepRunDetail,
  span: TimelineSpan,
  now: number,
): TimelineBar | undefined {
  const start = ms(step.startedAt);
  if (start === undefined) return undefined;
  const end = Math.max(start, ms(step.endedAt) ?? now);
  const total = Math.max(1, span.end - span.start);
  const offsetPct = clamp(((start - span.start) / total) * 100, 0, 100 - MIN_BAR_PCT);
  const widthPct = clamp(((end - start) / total) * 100, MIN_BAR_PCT, 100 - offsetPct);
  return { offsetPct, widthPct };
}

/** A run's duration: to its end, or until `now` while it is open. */
export function runDurationMs(run: RunDetail, now: number): number {
  const start = ms(run.startedAt) ?? ms(run.createdAt) ?? now;
  return Math.max(0, (ms(run.endedAt) ?? now) - start);
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
