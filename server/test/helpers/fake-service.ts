import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as a fake service received it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  /** Resolves when the client closed the connection before an answer was sent. */
  aborted: Promise<void>;
}

/** Answers one request; `n` counts requests from 1. Return nothing to leave it hanging. */
export type FakeHandler = (
  request: ReceivedRequest,
  response: ServerResponse,
  n: number,
) => void | Promise<void>;

/** A real `node:http` server on 127.0.0.1 that `http` steps call. */
export interface FakeService {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** Starts a service on a free loopback port that records every request it gets. */
export async function startFakeService(handler: FakeHandler): Promise<FakeService> {
  const requests: ReceivedRequest[] = [];
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const aborted = new Promise<void>((resolve) => {
      res.on("close", () => {
        if (!res.writableFinished) resolve();
      });
    });
    const received = {
      method: req.method ?? "",
      path: req.url ?? "",
      headers: req.headers,
      body,
      aborted,
    };
    requests.push(received);
    await handler(received, res, requests.length);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a JSON answer. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}
