import { describe, expect, it } from "vitest";
import type { RunDetail, StepRunDetail } from "../../api/answers.ts";
import {
  runDurationMs,
  stepBar,
  stepDurationMs,
  stepsInStartOrder,
  timelineSpan,
} from "./timeline.ts";

const T0 = Date.parse("2026-12-04T10:00:00.000Z");
const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

function step(id: string, startMs?: number, endMs?: number, status = "succeeded"): StepRunDetail {
  return {
    id,
    type: "transform",
    status,
    output: null,
    error: null,
    wakeAt: null,
    startedAt: startMs === undefined ? null : at(startMs),
    endedAt: endMs === undefined ? null : at(endMs),
    attempts: [],
  } as StepRunDetail;
}

function run(steps: StepRunDetail[], endMs?: number): RunDetail {
  return {
    id: "run_1",
    status: endMs === undefined ? "running" : "succeeded",
    createdAt: at(-500),
    startedAt: at(0),
    endedAt: endMs === undefined ? null : at(endMs),
    steps,
  } as RunDetail;
}

describe("the step timeline", () => {
  it("spans the run from its start to its end", () => {
    expect(timelineSpan(run([step("a", 0, 1000)], 4000), T0 + 99_000)).toEqual({
      start: T0,
      end: T0 + 4000,
    });
  });

  it("spans an open run up to now, and a queued one from its creation", () => {
    expect(timelineSpan(run([step("a", 0)]), T0 + 2500)).toEqual({ start: T0, end: T0 + 2500 });
    const queued = { ...run([]), startedAt: null } as RunDetail;
    expect(timelineSpan(queued, T0)).toEqual({ start: T0 - 500, end: T0 });
  });

  it("stretches to cover a step recorded past the run's end (another instance's clock)", () => {
    expect(timelineSpan(run([step("a", -100, 4200)], 4000), T0 + 9000)).toEqual({
      start: T0 - 100,
      end: T0 + 4200,
    });
  });

  it("places each bar by when its step started and sizes it by how long it took", () => {
    const span = { start: T0, end: T0 + 4000 };
    expect(stepBar(step("a", 0, 1000), span, T0)).toEqual({ offsetPct: 0, widthPct: 25 });
    expect(stepBar(step("b", 1000, 3000), span, T0)).toEqual({ offsetPct: 25, widthPct: 50 });
    expect(stepBar(step("c", 3000, 4000), span, T0)).toEqual({ offsetPct: 75, widthPct: 25 });
  });

  it("grows an open step's bar up to now, and keeps a tiny step visible", () => {
    const span = { start: T0, end: T0 + 10_000 };
    expect(stepBar(step("a", 5000, undefined, "running"), span, T0 + 7500)).toEqual({
      offsetPct: 50,
      widthPct: 25,
    });
    expect(stepBar(step("b", 10_000, 10_001), span, T0)).toEqual({
      offsetPct: 99.25,
      widthPct: 0.75,
    });
  });

  it("draws no bar for a step that never started", () => {
    expect(
      stepBar(step("a", undefined, undefined, "skipped"), { start: T0, end: T0 + 1 }, T0),
    ).toBeUndefined();
  });

  it("orders steps by start, unstarted ones last in definition order", () => {
    const steps = [
      step("first-defined", 2000, 3000),
      step("skipped", undefined, undefined, "skipped"),
      step("early", 0, 500),
      step("pending", undefined, undefined, "pending"),
      step("tie", 2000, 2100),
    ];
    expect(stepsInStartOrder(steps).map((s) => s.id)).toEqual([
      "early",
      "first-defined",
      "tie",
      "skipped",
      "pending",
    ]);
  });

  it("measures steps and runs, counting up to now while they are open", () => {
    expect(stepDurationMs(step("a", 1000, 3500), T0)).toBe(2500);
    expect(stepDurationMs(step("b", 1000, undefined, "running"), T0 + 1800)).toBe(800);
    expect(stepDurationMs(step("c", undefined, undefined, "pending"), T0)).toBeUndefined();
    expect(runDurationMs(run([], 4000), T0 + 99_000)).toBe(4000);
    expect(runDurationMs(run([]), T0 + 1234)).toBe(1234);
  });
});
