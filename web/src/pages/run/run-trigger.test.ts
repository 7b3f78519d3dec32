import { describe, expect, it } from "vitest";
import { isOpenRun, isRetryableRun, runInput, shownError, startedBy } from "./run-trigger.ts";

describe("what started a run", () => {
  it("names the user of a manual run", () => {
    const trigger = { type: "manual", input: { n: 1 }, user: "ada@example.test" };
    expect(startedBy({ triggerType: "manual", triggerId: null, trigger })).toBe(
      "started by ada@example.test",
    );
    expect(runInput({ triggerType: "manual", trigger })).toEqual({ n: 1 });
  });

  it("names a schedule's slot and a webhook's method", () => {
    const scheduled = { type: "schedule", id: "nightly", scheduledAt: "2026-12-04T02:00:00Z" };
    expect(startedBy({ triggerType: "schedule", triggerId: "nightly", trigger: scheduled })).toBe(
      `schedule nightly for ${new Date("2026-12-04T02:00:00Z").toLocaleString()}`,
    );
    const hook = { type: "webhook", method: "POST", body: { issue: 7 } };
    expect(startedBy({ triggerType: "webhook", triggerId: "webhook", trigger: hook })).toBe(
      "webhook webhook (POST)",
    );
    expect(runInput({ triggerType: "webhook", trigger: hook })).toEqual({ issue: 7 });
  });

  it("shows null for a run given nothing", () => {
    expect(runInput({ triggerType: "manual", trigger: { type: "manual", input: null } })).toBe(
      null,
    );
  });
});

describe("run actions and errors", () => {
  it("cancels open runs and retries failed or cancelled ones", () => {
    expect(["queued", "running", "succeeded"].map((status) => isOpenRun({ status }))).toEqual([
      true,
      true,
      false,
    ]);
    const retryable = ["failed", "cancelled", "succeeded", "running"].map((status) =>
      isRetryableRun({ status }),
    );
    expect(retryable).toEqual([true, true, false, false]);
  });

  it("reads a stored error's kind and message", () => {
    expect(shownError({ kind: "http-status", message: "503 from api" })).toEqual({
      kind: "http-status",
      message: "503 from api",
    });
    expect(shownError({ message: "boom" })).toEqual({ kind: "error", message: "boom" });
    expect(shownError(null)).toBeUndefined();
  });
});
