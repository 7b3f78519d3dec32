import { describe, expect, it } from "vitest";
import { acknowledgedTopic, parseFeedMessage, topicMessage } from "./feed-messages.ts";

describe("feed messages", () => {
  it("asks for a run or a workflow in the server's words", () => {
    expect(JSON.parse(topicMessage("subscribe", { kind: "run", id: "r1" }))).toEqual({
      type: "subscribe",
      runId: "r1",
    });
    expect(JSON.parse(topicMessage("unsubscribe", { kind: "workflow", id: "w1" }))).toEqual({
      type: "unsubscribe",
      workflowId: "w1",
    });
  });

  it("reads events, acknowledgements and errors", () => {
    const event = { type: "step:started", runId: "r1", workflowId: "w1", stepId: "a", at: "t" };
    expect(parseFeedMessage(JSON.stringify({ type: "event", event }))).toEqual({
      type: "event",
      event,
    });
    expect(parseFeedMessage('{"type":"subscribed","runId":"r1"}')).toEqual({
      type: "subscribed",
      runId: "r1",
    });
    expect(parseFeedMessage('{"type":"error","message":"no run \\"x\\""}')).toEqual({
      type: "error",
      message: 'no run "x"',
    });
  });

  it("ignores what is not one of the feed's messages", () => {
    expect(parseFeedMessage("not json")).toBeUndefined();
    expect(parseFeedMessage("42")).toBeUndefined();
    expect(parseFeedMessage('{"type":"hello"}')).toBeUndefined();
    expect(parseFeedMessage('{"type":"event","event":{"type":"run:started"}}')).toBeUndefined();
  });

  it("names the topic an acknowledgement confirms", () => {
    expect(acknowledgedTopic({ runId: "r1" })).toEqual({ kind: "run", id: "r1" });
    expect(acknowledgedTopic({ workflowId: "w1" })).toEqual({ kind: "workflow", id: "w1" });
    expect(acknowledgedTopic({})).toBeUndefined();
  });
});
