import { describe, expect, it } from "vitest";
import { advance } from "../../src/engine/advance.ts";
import { definitionSchema } from "../../src/engine/definition.ts";
import { createRunPlan } from "../../src/engine/run-plan.ts";
import type { StepRunStatus } from "../../src/store/schema.ts";

/** A plan from `needs` alone: `{ b: ["a"] }` means b needs a. */
function plan(needs: Record<string, string[]>) {
  const steps = Object.entries(needs).map(([id, n]) => ({ id, type: "log", needs: n }));
  return createRunPlan("wf", 1, definitionSchema.parse({ name: "t", steps }));
}

const statuses = (entries: Record<string, StepRunStatus>) => new Map(Object.entries(entries));

describe("advance", () => {
  const diamond = plan({ a: [], b: ["a"], c: ["a"], d: ["b", "c"] });

  it("makes the steps with no needs ready when a run starts", () => {
    const next = advance(
      diamond,
      statuses({ a: "pending", b: "pending", c: "pending", d: "pending" }),
    );
    expect(next).toEqual({ ready: ["a"], skipped: [] });
  });

  it("readies parallel branches together, and a join only when both ended", () => {
    const afterA = advance(
      diamond,
      statuses({ a: "succeeded", b: "pending", c: "pending", d: "pending" }),
    );
    expect(afterA.ready).toEqual(["b", "c"]);
    const afterB = advance(
      diamond,
      statuses({ a: "succeeded", b: "succeeded", c: "running", d: "pending" }),
    );
    expect(afterB.ready).toEqual([]);
    const afterC = advance(
      diamond,
      statuses({ a: "succeeded", b: "succeeded", c: "skipped", d: "pending" }),
    );
    expect(afterC.ready).toEqual(["d"]);
  });

  it("skips a step whose needs were all skipped, and cascades", () => {
    const chain = plan({ a: [], b: ["a"], c: ["b"], d: [] });
    const next = advance(
      chain,
      statuses({ a: "skipped", b: "pending", c: "pending", d: "succeeded" }),
    );
    expect(next).toEqual({ ready: [], skipped: ["b", "c"], outcome: "succeeded" });
  });

  it("ends the run as succeeded only when every step succeeded or was skipped", () => {
    const done = advance(
      diamond,
      statuses({ a: "succeeded", b: "skipped", c: "succeeded", d: "succeeded" }),
    );
    expect(done.outcome).toBe("succeeded");
    const failed = advance(
      diamond,
      statuses({ a: "succeeded", b: "failed", c: "cancelled", d: "cancelled" }),
    );
    expect(failed.outcome).toBe("failed");
  });

  it("leaves a run open while a step waits, runs or is queued", () => {
    for (const open of ["waiting", "running", "queued"] as const) {
      const next = advance(
        diamond,
        statuses({ a: "succeeded", b: open, c: "succeeded", d: "pending" }),
      );
      expect(next.outcome).toBeUndefined();
      expect(next.ready).toEqual([]);
    }
  });

  it("never readies a step after one it needs failed", () => {
    const next = advance(
      diamond,
      statuses({ a: "failed", b: "pending", c: "pending", d: "pending" }),
    );
    expect(next).toEqual({ ready: [], skipped: [] });
  });
});
