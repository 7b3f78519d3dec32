import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StepContext } from "../../src/engine/step-type.ts";
import { createHttpStep } from "../../src/engine/steps/http.ts";
import { StepFailure } from "../../src/errors.ts";

// The test server listens on loopback, which http steps refuse unless allowed.
const httpStep = createHttpStep({ allowHosts: ["127.0.0.1"] });

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const routes: Record<string, Handler> = {
  "/json": (_req, res) => sendJson(res, 200, { hello: "world", n: [1, 2] }),
  "/echo": (req, res, body) =>
    sendJson(res, 200, { method: req.method, url: req.url, headers: req.headers, body }),
  "/text": (_req, res) => send(res, 200, "text/plain; charset=utf-8", "héllo"),
  "/binary": (_req, res) => send(res, 200, "application/octet-stream", Buffer.from([0, 1, 2, 255])),
  "/bad-json": (_req, res) => send(res, 200, "application/json", "{not json"),
  "/not-found": (_req, res) => sendJson(res, 404, { error: "no such thing" }),
  "/unavailable": (_req, res) => send(res, 503, "text/html", `<p>${"busy ".repeat(1000)}</p>`),
  "/large": (_req, res) => {
    // Chunked, without a content-length, so the cap is enforced while streaming.
    res.writeHead(200, { "content-type": "application/octet-stream" });
    res.write(Buffer.alloc(1500));
    setTimeout(() => res.end(Buffer.alloc(1500)), 20);
  },
  "/large-declared": (_req, res) => send(res, 200, "text/plain", "x".repeat(5000)),
  "/hang": (req, res) => {
    hanging.push({ req, closed: once(res, "close") });
  },
};

const hanging: { req: IncomingMessage; closed: Promise<unknown> }[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const route = routes[new URL(req.url ?? "/", "http://x").pathname];
      if (route) route(req, res, Buffer.concat(chunks).toString());
      else sendJson(res, 500, { error: "unknown route" });
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, "close");
});

describe("http step: responses", () => {
  it("parses a JSON body and returns status and headers", async () => {
    const result = await run({ url: `${base}/json` });
    expect(result).toMatchObject({
      status: 200,
      headers: { "content-type": "application/json" },
      body: { hello: "world", n: [1, 2] },
    });
  });

  it("sends json with its content type and the attempt's idempotency key", async () => {
    const result = await run({ url: `${base}/echo`, method: "POST", json: { a: [1, null] } });
    const echo = result.body as { method: string; headers: Record<string, string>; body: string };

    expect(echo.method).toBe("POST");
    expect(echo.headers["content-type"]).toBe("application/json");
    expect(echo.headers["idempotency-key"]).toBe("run-1:fetch:1");
    expect(JSON.parse(echo.body)).toEqual({ a: [1, null] });
  });

  it("keeps an Idempotency-Key the user set and sends a string body as text", async () => {
    const headers = { "Idempotency-Key": "mine" };
    const result = await run({ url: `${base}/echo`, method: "PUT", headers, body: "plain" });
    const echo = result.body as { headers: Record<string, string>; body: string };

    expect(echo.headers["idempotency-key"]).toBe("mine");
    expect(echo.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(echo.body).toBe("plain");
  });

  it("appends query values, arrays as repeated parameters", async () => {
    const query = { tag: ["x", "y z"], n: 5, flag: true };
    const result = await run({ url: `${base}/echo?a=1`, query });
    expect((result.body as { url: string }).url).toBe("/echo?a=1&tag=x&tag=y+z&n=5&flag=true");
  });

  it("returns text bodies as strings and other bodies as base64", async () => {
    expect((await run({ url: `${base}/text` })).body).toBe("héllo");
    expect((await run({ url: `${base}/binary` })).body).toEqual({ base64: "AAEC/w==", size: 4 });
  });

  it("fails without retry on malformed JSON", async () => {
    const failure = await runFailing({ url: `${base}/bad-json` });
    expect(failure).toMatchObject({ kind: "invalid-json", retryable: false });
    expect(failure.message).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/bad-json answered invalid JSON/,
    );
  });
});

describe("http step: status policy", () => {
  it("fails a 404 without retry and keeps the response in details", async () => {
    const failure = await runFailing({ url: `${base}/not-found` });

    expect(failure).toMatchObject({ kind: "http-status", retryable: false });
    expect(failure.message).toBe(`GET ${base}/not-found answered 404 Not Found`);
    expect(failure.details).toEqual({
      status: 404,
      body: { error: "no such thing" },
      truncated: false,
    });
  });

  it("fails a 503 as retryable, with the body truncated to 2 KB", async () => {
    const failure = await runFailing({ url: `${base}/unavailable?token=secret`, method: "POST" });
    const details = failure.details as { status: number; body: string; truncated: boolean };

    expect(failure).toMatchObject({ kind: "http-status", retryable: true });
    expect(failure.message).toBe(`POST ${base}/unavailable answered 503 Service Unavailable`);
    expect(details.status).toBe(503);
    expect(details.body).toHaveLength(2048);
    expect(details.truncated).toBe(true);
  });

  it("lets a 404 succeed when failOn leaves it out", async () => {
    const result = await run({ url: `${base}/not-found`, failOn: ["5xx"] });
    expect(result).toMatchObject({ status: 404, body: { error: "no such thing" } });
  });

  it("makes a 404 retryable when retryOn names it", async () => {
    const failure = await runFailing({ url: `${base}/not-found`, retryOn: [404] });
    expect(failure).toMatchObject({ kind: "http-status", retryable: true });
  });
});

describe("http step: limits and connection faults", () => {
  it("times out on a server that never answers", async () => {
    const failure = await runFailing({ url: `${base}/hang`, timeout: 100 });
    expect(failure).toMatchObject({ kind: "timeout", retryable: true });
    expect(failure.message).toBe("timed out after 100ms");
  });

  it("is cancelled by the context's signal and closes the connection", async () => {
    const controller = new AbortController();
    const pending = runFailing({ url: `${base}/hang` }, controller.signal);
    const seen = hanging.length;

    await waitFor(() => hanging.length > seen);
    controller.abort();

    expect(await pending).toMatchObject({ kind: "cancelled", retryable: false });
    await hanging[seen]!.closed;
  });

  it("stops reading past maxResponseBytes", async () => {
    const failure = await runFailing({ url: `${base}/large`, maxResponseBytes: 2048 });
    expect(failure).toMatchObject({ kind: "response-too-large", retryable: false });
    expect(failure.message).toBe("response body is larger than maxResponseBytes (2 KiB)");
  });

  it("refuses a body whose declared length is past the cap", async () => {
    const failure = await runFailing({ url: `${base}/large-declared`, maxResponseBytes: 4000 });
    expect(failure.message).toBe("response body is larger than maxResponseBytes (4000 bytes)");
  });

  it("reports a refused connection as a retryable network failure", async () => {
    const closed = createServer();
    closed.listen(0, "127.0.0.1");
    await once(closed, "listening");
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, "close");

    const failure = await runFailing({ url: `http://127.0.0.1:${port}/` });
    expect(failure).toMatchObject({ kind: "network", retryable: true });
    expect(failure.message).toBe(
      `GET http://127.0.0.1:${port}/ failed: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(failure.cause).toBeInstanceOf(Error);
  });
});

describe("http step: with schema", () => {
  it("fills in the defaults", () => {
    expect(httpStep.with.parse({ url: "https://example.test/" })).toEqual({
      url: "https://example.test/",
      method: "GET",
      timeout: "30s",
      maxResponseBytes: 10 * 1024 * 1024,
      failOn: ["4xx", "5xx"],
      retryOn: ["408", "429", "5xx"],
    });
  });

  it("accepts a url placeholder and rejects a non-http url", () => {
    expect(httpStep.with.safeParse({ url: "{{ secrets.HOOK_URL }}" }).success).toBe(true);
    expect(issues({ url: "ftp://example.test/" })).toEqual([
      { path: ["url"], message: "must be an absolute http or https URL" },
    ]);
  });

  it("names an unknown key", () => {
    expect(issues({ url: "https://example.test/", bogus: 1 })).toEqual([
      { path: [], message: 'Unrecognized key: "bogus"' },
    ]);
  });

  it("rejects json and body together", () => {
    const input = { url: "https://example.test/", method: "POST", json: {}, body: "x" };
    expect(issues(input)).toEqual([
      {
        path: [],
        message: "json and body cannot both be set: use json for a JSON value or body for a string",
      },
    ]);
  });

  it("rejects a payload on a GET request", () => {
    expect(issues({ url: "https://example.test/", json: { a: 1 } })).toEqual([
      {
        path: ["method"],
        message: "a GET or HEAD request cannot have json or body: set method to POST, PUT or PATCH",
      },
    ]);
  });

  it("names the duration rule for a bad timeout", () => {
    expect(issues({ url: "https://example.test/", timeout: "10x" })).toEqual([
      {
        path: ["timeout"],
        message: '"10x" is not a duration: use a number with ms, s, m, h or d, like 10s',
      },
    ]);
    expect(issues({ url: "https://example.test/", timeout: "11m" })).toEqual([
      { path: ["timeout"], message: "11m is out of range: must be between 1ms and 10m" },
    ]);
  });

  it("rejects a malformed status pattern and an oversized cap", () => {
    const input = { url: "https://example.test/", failOn: ["4xx", "6xx"], maxResponseBytes: 2e8 };
    expect(issues(input)).toEqual([
      { path: ["maxResponseBytes"], message: "must be at most 100 MiB (104857600 bytes)" },
      { path: ["failOn", 1], message: 'must be a status code like "404" or a class like "5xx"' },
    ]);
  });
});

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer) {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown) {
  send(res, status, "application/json", JSON.stringify(value));
}

function createContext(signal: AbortSignal): StepContext {
  return {
    runId: "run-1",
    stepId: "fetch",
    attempt: 1,
    idempotencyKey: "run-1:fetch:1",
    signal,
    scope: {
      trigger: {},
      steps: {},
      run: { id: "run-1", workflowId: "wf-1", version: 1, startedAt: new Date().toISOString() },
    },
    evaluate: () => {
      throw new Error("evaluate is not used by the http step");
    },
    log: () => {},
  };
}

async function run(input: Record<string, unknown>, signal = new AbortController().signal) {
  const result = await httpStep.execute(httpStep.with.parse(input), createContext(signal));
  if (!("output" in result)) throw new Error("the http step asked to sleep");
  return result.output as { status: number; headers: Record<string, string>; body: unknown };
}

async function runFailing(input: Record<string, unknown>, signal?: AbortSignal) {
  const error = await run(input, signal).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof StepFailure)) throw new Error(`expected a StepFailure, got ${error}`);
  return error;
}

function issues(input: Record<string, unknown>) {
  const result = httpStep.with.safeParse(input);
  return result.error?.issues.map(({ path, message }) => ({ path, message }));
}

async function waitFor(condition: () => boolean) {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
