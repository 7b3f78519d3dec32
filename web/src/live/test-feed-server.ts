import { WebSocketServer, type WebSocket as ServerSocket } from "ws";
import type { LiveEvent } from "./feed-messages.ts";

/**
 * A real WebSocket server that answers as Weft's feed does: it acknowledges each subscribe
 * and unsubscribe, relays events to sockets subscribed to their run or workflow, and can drop
 * or end connections, for the client's tests.
 */
export interface TestFeedServer {
  url: string;
  port: number;
  /** Every message received, in order, across connections. */
  received: Record<string, unknown>[];
  connections: number;
  /** Sends an event to each open socket subscribed to its run or workflow. */
  emit(event: LiveEvent): void;
  /** Closes every open socket with the code. */
  closeAll(code: number, reason?: string): void;
  open(): number;
  stop(): Promise<void>;
}

/** Starts the server on `port`, or on a free one. */
export async function startTestFeedServer(port = 0): Promise<TestFeedServer> {
  const server = new WebSocketServer({ port, host: "127.0.0.1" });
  await new Promise<void>((resolve) => server.on("listening", resolve));
  const subscriptions = new Map<ServerSocket, Set<string>>();
  const state: TestFeedServer = {
    url: `ws://127.0.0.1:${server.address().port}/api/v1/events`,
    port: server.address().port,
    received: [],
    connections: 0,
    emit(event) {
      for (const [socket, topics] of subscriptions) {
        if (topics.has(`run:${event.runId}`) || topics.has(`workflow:${event.workflowId}`))
          socket.send(JSON.stringify({ type: "event", event }));
      }
    },
    closeAll(code, reason) {
      for (const socket of subscriptions.keys()) socket.close(code, reason);
    },
    open: () => subscriptions.size,
    stop: () => {
      for (const socket of subscriptions.keys()) socket.terminate();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };

  server.on("connection", (socket) => {
    state.connections += 1;
    const topics = new Set<string>();
    subscriptions.set(socket, topics);
    socket.on("close", () => subscriptions.delete(socket));
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString()) as {
        type: "subscribe" | "unsubscribe";
        runId?: string;
        workflowId?: string;
      };
      state.received.push(message);
      const key = message.runId ? `run:${message.runId}` : `workflow:${message.workflowId}`;
      if (message.type === "subscribe") topics.add(key);
      else topics.delete(key);
      const { runId, workflowId } = message;
      socket.send(JSON.stringify({ type: `${message.type}d`, runId, workflowId }));
    });
  });
  return state;
}
