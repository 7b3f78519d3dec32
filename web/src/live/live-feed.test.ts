// The client is ws's, which has the browser's WebSocket API (jsdom lends the test none that
// works), talking over a real socket to a real server.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LiveEvent } from "./feed-messages.ts";
import { WebSocket as ClientSocket } from "ws";
import { LiveFeed } from "./live-feed.ts";
import { startTestFeedServer, type TestFeedServer } from "./test-feed-server.ts";

let server: TestFeedServer;
let feed: LiveFeed;

beforeEach(async () => {
  server = await startTestFeedServer();
  feed = new LiveFeed({
    url: server.url,
    createSocket: (url) => new ClientSocket(url) as unknown as WebSocket,
    backoff: { baseMs: 20, capMs: 80 },
    random: () => 1,
    lingerMs: 30,
  });
});
afterEach(async () => {
  feed.close();
  await server.stop();
});

const event = (runId: string, type: LiveEvent["type"] = "run:started"): LiveEvent =>
  ({ type, runId, workflowId: "wf_1", data: {}, at: "2026-12-04T10:00:00.000Z" }) as LiveEvent;

/** Collects a subscriber's events and confirmations. */
function listener() {
  const events: LiveEvent[] = [];
  let confirmations = 0;
  return {
    events,
    confirmations: () => confirmations,
    onEvent: (e: LiveEvent) => events.push(e),
    onSubscribed: () => {
      confirmations += 1;
    },
  };
}

describe("the live feed client", () => {
  it("opens only with its first subscriber and relays just that subscriber's run", async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.connections).toBe(0);
    expect(feed.status).toBe("idle");

    const one = listener();
    const other = listener();
    feed.subscribe({ runId: "run_1" }, one);
    feed.subscribe({ runId: "run_2" }, other);
    await vi.waitFor(() => expect(one.confirmations()).toBe(1));
    expect(feed.status).toBe("open");
    expect(server.connections).toBe(1);

    server.emit(event("run_1"));
    server.emit(event("run_2", "run:succeeded"));
    await vi.waitFor(() => expect(other.events).toHaveLength(1));
    expect(one.events.map((e) => [e.runId, e.type])).toEqual([["run_1", "run:started"]]);
    expect(other.events.map((e) => [e.runId, e.type])).toEqual([["run_2", "run:succeeded"]]);
  });

  it("asks once per run however many share it, and closes after the last one leaves", async () => {
    const stopFirst = feed.subscribe({ runId: "run_1" }, listener());
    const second = listener();
    const stopSecond = feed.subscribe({ runId: "run_1" }, second);
    await vi.waitFor(() => expect(feed.status).toBe("open"));
    await vi.waitFor(() => expect(server.received).toHaveLength(1));

    stopFirst();
    server.emit(event("run_1"));
    await vi.waitFor(() => expect(second.events).toHaveLength(1));
    expect(server.received).toEqual([{ type: "subscribe", runId: "run_1" }]);

    stopSecond();
    await vi.waitFor(() => expect(server.received).toHaveLength(2));
    expect(server.received[1]).toEqual({ type: "unsubscribe", runId: "run_1" });
    await vi.waitFor(() => expect(server.open()).toBe(0));
    expect(feed.status).toBe("idle");
  });

  it("keeps the socket for a subscriber that comes back within the linger", async () => {
    const stop = feed.subscribe({ runId: "run_1" }, listener());
    await vi.waitFor(() => expect(feed.status).toBe("open"));
    stop();
    const again = listener();
    feed.subscribe({ runId: "run_1" }, again);
    await vi.waitFor(() => expect(again.confirmations()).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(server.connections).toBe(1);
    expect(feed.status).toBe("open");
  });

  it("reconnects after a loss and subscribes again, so the subscriber can catch up", async () => {
    const one = listener();
    feed.subscribe({ runId: "run_1" }, one);
    feed.subscribe({ workflowId: "wf_9" }, listener());
    await vi.waitFor(() => expect(one.confirmations()).toBe(1));

    server.closeAll(1012, "service restart");
    await vi.waitFor(() => expect(one.confirmations()).toBe(2));
    expect(server.connections).toBe(2);
    expect(server.received).toEqual([
      { type: "subscribe", runId: "run_1" },
      { type: "subscribe", workflowId: "wf_9" },
      { type: "subscribe", runId: "run_1" },
      { type: "subscribe", workflowId: "wf_9" },
    ]);
    server.emit(event("run_1"));
    await vi.waitFor(() => expect(one.events).toHaveLength(1));
  });

  it("keeps trying while the server is away and subscribes again when it is back", async () => {
    const one = listener();
    feed.subscribe({ runId: "run_1" }, one);
    await vi.waitFor(() => expect(one.confirmations()).toBe(1));
    await server.stop();
    await vi.waitFor(() => expect(feed.status).toBe("connecting"));

    // Several tries fail meanwhile (the waits are 20, 40, 80, 80… ms).
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(feed.status).toBe("connecting");
    server = await startTestFeedServer(server.port);
    await vi.waitFor(() => expect(one.confirmations()).toBe(2));
    expect(feed.status).toBe("open");
    expect(server.received).toEqual([{ type: "subscribe", runId: "run_1" }]);
  });

  it("stays signed out, without reconnecting, when the server ends the credential", async () => {
    const one = listener();
    feed.subscribe({ runId: "run_1" }, one);
    await vi.waitFor(() => expect(one.confirmations()).toBe(1));
    const changes: string[] = [];
    feed.onStatus(() => changes.push(feed.status));

    server.closeAll(4401, "session ended");
    await vi.waitFor(() => expect(feed.status).toBe("signed-out"));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(server.connections).toBe(1);
    expect(changes).toEqual(["signed-out"]);
  });
});
