import { describe, expect, it } from "vitest";
import type { LiveEvent } from "./feed-messages.ts";
import { SubscriptionRegistry, topicsOf } from "./subscription-registry.ts";

const event = (runId: string, workflowId: string) =>
  ({ type: "run:started", runId, workflowId, data: {}, at: "t" }) as LiveEvent;

function collector() {
  const seen: string[] = [];
  let confirmed = 0;
  return {
    seen,
    confirmed: () => confirmed,
    onEvent: (e: LiveEvent) => seen.push(e.runId),
    onSubscribed: () => {
      confirmed += 1;
    },
  };
}

describe("SubscriptionRegistry", () => {
  it("reports a topic as new only for its first subscriber, gone only after its last", () => {
    const registry = new SubscriptionRegistry();
    const first = registry.add({ runId: "r1" }, collector());
    const second = registry.add({ runId: "r1", workflowId: "w1" }, collector());
    expect(first.added).toEqual([{ kind: "run", id: "r1" }]);
    expect(second.added).toEqual([{ kind: "workflow", id: "w1" }]);
    expect(registry.topics()).toHaveLength(2);

    expect(first.remove()).toEqual([]);
    expect(first.remove()).toEqual([]);
    expect(second.remove()).toEqual([
      { kind: "run", id: "r1" },
      { kind: "workflow", id: "w1" },
    ]);
    expect(registry.size).toBe(0);
    expect(registry.topics()).toEqual([]);
  });

  it("hands each event once to the subscribers of its run or workflow", () => {
    const registry = new SubscriptionRegistry();
    const ofRun = collector();
    const ofBoth = collector();
    const ofOther = collector();
    registry.add({ runId: "r1" }, ofRun);
    registry.add({ runId: "r1", workflowId: "w1" }, ofBoth);
    registry.add({ workflowId: "w2" }, ofOther);

    registry.dispatch(event("r1", "w1"));
    registry.dispatch(event("r2", "w1"));
    expect(ofRun.seen).toEqual(["r1"]);
    expect(ofBoth.seen).toEqual(["r1", "r2"]);
    expect(ofOther.seen).toEqual([]);
  });

  it("tells a topic's subscribers when the server confirms it", () => {
    const registry = new SubscriptionRegistry();
    const ofRun = collector();
    const ofWorkflow = collector();
    registry.add({ runId: "r1" }, ofRun);
    registry.add({ workflowId: "w1" }, ofWorkflow);
    registry.confirm({ kind: "run", id: "r1" });
    expect([ofRun.confirmed(), ofWorkflow.confirmed()]).toEqual([1, 0]);
  });

  it("asks for nothing for an empty filter", () => {
    expect(topicsOf({})).toEqual([]);
  });
});
