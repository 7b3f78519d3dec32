import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventLabels, getEvents } from "../helpers/run-events.ts";
import {
  applyYaml,
  eventually,
  startRun,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface FeedMessage {
  type: string;
  event?: { type: string; runId: string; workflowId: string; stepId?: string };
  workflowId?: string;
  message?: string;
}

/** A live-feed client: Node's WebSocket cannot set headers, so the token is a subprotocol. */
async function connect(protocols: string[]) {
  const socket = new WebSocket(`${server.url.replace(/^http/, "ws")}/api/v1/events`, protocols);
  const messages: FeedMessage[] = [];
  socket.addEventListener("message", (m) => messages.push(JSON.parse(String(m.data))));
  const opened = await new Promise<boolean>((resolve) => {
    socket.addEventListener("open", () => resolve(true), { once: true });
    socket.addEventListener("error", () => resolve(false), { once: true });
  });
  return { socket, messages, opened };
}

describe("the live event feed", () => {
  it("relays a subscribed workflow's run events in order", async () => {
    const workflow = await applyYaml(
      server,
      `
name: live
steps:
  - id: a
    type: transform
    with: { expression: '1' }
  - id: b
    type: transform
    needs: [a]
    with: { expression: 'steps.a.output + 1' }
`,
    );
    const feed = await connect(["weft", `bearer.${server.token}`]);
    expect(feed.opened).toBe(true);
    // The token is not echoed back: the server picks the plain protocol.
    expect(feed.socket.protocol).toBe("weft");

    feed.socket.send(JSON.stringify({ type: "subscribe", workflowId: workflow.id }));
    await eventually(async () => feed.messages.find((m) => m.type === "subscribed"));
    expect(feed.messages[0]).toEqual({ type: "subscribed", workflowId: workflow.id });

    const runId = await startRun(server, "live");
    await waitForRunEnd(server, runId);
    const relayed = await eventually(async () => {
      const events = feed.messages.flatMap((m) => (m.type === "event" ? [m.event!] : []));
      return events.some((e) => e.type === "run:succeeded") ? events : undefined;
    });
    feed.socket.close();

    expect(relayed.every((e) => e.runId === runId && e.workflowId === workflow.id)).toBe(true);
    expect(eventLabels(relayed.map((e) => ({ type: e.type, stepId: e.stepId ?? null })))).toEqual([
      "run:queued",
      "run:started",
      "step:started a",
      "step:succeeded a",
      "step:started b",
      "step:succeeded b",
      "run:succeeded",
    ]);
    // The feed carries what the store recorded, in the same order.
    expect(eventLabels(await getEvents(server, runId))).toEqual(
      eventLabels(relayed.map((e) => ({ type: e.type, stepId: e.stepId ?? null }))),
    );
  });

  it("relays nothing of workflows the client did not subscribe to", async () => {
    await applyYaml(
      server,
      `
name: unwatched
steps:
  - id: only
    type: transform
    with: { expression: '1' }
`,
    );
    await applyYaml(
      server,
      "name: watched\nsteps:\n  - { id: a, type: log, with: { message: hi } }\n",
    );
    const feed = await connect(["weft", `bearer.${server.token}`]);
    expect(feed.opened).toBe(true);
    feed.socket.send(JSON.stringify({ type: "subscribe", workflowId: "watched" }));
    await eventually(async () => feed.messages.find((m) => m.type === "subscribed"));

    await waitForRunEnd(server, await startRun(server, "unwatched"));
    // A message sent after the run ended comes back after anything relayed before it.
    feed.socket.send("not json");
    await eventually(async () => feed.messages.find((m) => m.type === "error"));
    feed.socket.close();

    expect(feed.messages.map((m) => m.type)).toEqual(["subscribed", "error"]);
  });

  it("names an unknown run or workflow instead of acknowledging it", async () => {
    const feed = await connect(["weft", `bearer.${server.token}`]);
    feed.socket.send(JSON.stringify({ type: "subscribe", runId: "no-such-run" }));
    feed.socket.send(JSON.stringify({ type: "subscribe", workflowId: "no-such-workflow" }));
    feed.socket.send(JSON.stringify({ type: "subscribe" }));
    await eventually(async () => (feed.messages.length >= 3 ? true : undefined));
    feed.socket.close();
    expect(feed.messages.map((m) => m.message).sort()).toEqual([
      'no run "no-such-run"',
      'no workflow "no-such-workflow"',
      'send {"type":"subscribe","runId":"…"} or {"type":"subscribe","workflowId":"…"}',
    ]);
  });

  it("refuses a connection without a token or with an unknown one", async () => {
    const none = await connect(["weft"]);
    expect(none.opened).toBe(false);
    const wrong = await connect(["weft", "bearer.weft_not-a-real-token"]);
    expect(wrong.opened).toBe(false);
  });

  it("does not take a subprotocol token on other routes", async () => {
    const response = await fetch(`${server.url}/api/v1/runs`, {
      headers: { "sec-websocket-protocol": `bearer.${server.token}` },
    });
    expect(response.status).toBe(401);
  });
});
