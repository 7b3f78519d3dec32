import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as connectTls } from "node:tls";
import { Agent, fetch, Headers, type HeadersInit, WebSocket } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessLogPath,
  findFreePorts,
  findProgram,
  makeCertificates,
  type NginxProcess,
  requirePrograms,
  startNginx,
} from "../helpers/nginx.ts";
import { eventLabels } from "../helpers/run-events.ts";
import { eventually, type TestServer, startTestServer } from "../helpers/test-server.ts";

/** deploy/nginx/weft.conf served by Debian's nginx in front of a real Weft, over real TLS. */

const nginxPath = findProgram("nginx", ["/usr/sbin/nginx"]);
const opensslPath = findProgram("openssl", ["/usr/bin/openssl"]);
const available = requirePrograms("the nginx test", { nginx: nginxPath, openssl: opensslPath });

let dir: string;
let server: TestServer;
let nginx: NginxProcess;
let agent: Agent;
let base: string;
let httpBase: string;
let ca: string;

beforeAll(async () => {
  if (!available) return;
  dir = mkdtempSync(join(tmpdir(), "weft-nginx-"));
  const [httpPort, httpsPort] = await findFreePorts(2);
  base = `https://127.0.0.1:${httpsPort}`;
  httpBase = `http://127.0.0.1:${httpPort}`;
  const certificates = makeCertificates(opensslPath!, dir);
  ca = certificates.ca;
  agent = new Agent({ connect: { ca } });

  server = await startTestServer({
    env: { WEFT_TRUSTED_PROXIES: "127.0.0.1", WEFT_PUBLIC_URL: base },
  });
  nginx = await startNginx({
    nginx: nginxPath!,
    dir,
    httpPort: httpPort!,
    httpsPort: httpsPort!,
    upstream: new URL(server.url).host,
    certificates,
  });
});

afterAll(async () => {
  if (!available) return;
  await nginx?.stop();
  await agent?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A request through nginx over HTTPS, trusting the test CA, with the admin's token. */
function viaNginx(path: string, init: Parameters<typeof fetch>[1] & { json?: unknown } = {}) {
  const headers = new Headers(init.headers as HeadersInit | undefined);
  if (!headers.has("authorization")) headers.set("authorization", `Bearer ${server.token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(init.json);
  }
  return fetch(`${base}${path}`, { ...init, headers, body, dispatcher: agent });
}

async function saveWorkflow(yaml: string) {
  const response = await viaNginx("/api/v1/workflows", {
    method: "POST",
    headers: { "content-type": "application/yaml" },
    body: yaml,
  });
  const body = (await response.json()) as {
    workflow: { id: string; triggers: { url?: string }[] };
  };
  expect(response.status, JSON.stringify(body)).toBe(201);
  return body.workflow;
}

async function runThroughNginx(runId: string) {
  return eventually(async () => {
    const run = (await (await viaNginx(`/api/v1/runs/${runId}`)).json()) as {
      status: string;
      trigger: { headers: Record<string, string> };
    };
    return ["succeeded", "failed", "cancelled"].includes(run.status) ? run : undefined;
  });
}

describe.skipIf(!available)("Weft behind deploy/nginx/weft.conf", () => {
  it("redirects plain HTTP to the same path on HTTPS", async () => {
    const response = await fetch(`${httpBase}/api/v1/runs?limit=1`, { redirect: "manual" });
    expect(response.status).toBe(301);
    expect(response.headers.get("location")).toBe("https://127.0.0.1/api/v1/runs?limit=1");
  });

  it("answers /healthz over TLS 1.3, and TLS 1.2 when a client offers no more", async () => {
    const response = await viaNginx("/healthz");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
    expect(response.headers.get("server")).toBe("nginx");

    expect(await negotiatedProtocol()).toBe("TLSv1.3");
    expect(await negotiatedProtocol("TLSv1.2")).toBe("TLSv1.2");
  });

  it("runs a workflow and relays its events over the WebSocket through nginx", async () => {
    const workflow = await saveWorkflow(
      "name: proxied\nsteps:\n  - { id: a, type: transform, with: { expression: '1' } }\n",
    );
    const socket = new WebSocket(`${base.replace(/^https/, "wss")}/api/v1/events`, {
      protocols: ["weft", `bearer.${server.token}`],
      dispatcher: agent,
    });
    const messages: { type: string; event?: { type: string; runId: string; stepId?: string } }[] =
      [];
    socket.addEventListener("message", (m) => messages.push(JSON.parse(String(m.data))));
    const opened = await new Promise<boolean>((resolve) => {
      socket.addEventListener("open", () => resolve(true), { once: true });
      socket.addEventListener("error", () => resolve(false), { once: true });
    });
    expect(opened).toBe(true);
    expect(socket.protocol).toBe("weft");
    socket.send(JSON.stringify({ type: "subscribe", workflowId: workflow.id }));
    await eventually(async () => messages.find((m) => m.type === "subscribed"));

    const started = await viaNginx(`/api/v1/workflows/${workflow.id}/runs`, {
      method: "POST",
      json: {},
    });
    expect(started.status).toBe(202);
    const { runId } = (await started.json()) as { runId: string };
    expect((await runThroughNginx(runId)).status).toBe("succeeded");
    const events = await eventually(async () => {
      const relayed = messages.flatMap((m) => (m.type === "event" ? [m.event!] : []));
      return relayed.some((e) => e.type === "run:succeeded") ? relayed : undefined;
    });
    socket.close();

    expect(events.every((e) => e.runId === runId)).toBe(true);
    expect(eventLabels(events.map((e) => ({ type: e.type, stepId: e.stepId ?? null })))).toEqual([
      "run:queued",
      "run:started",
      "step:started a",
      "step:succeeded a",
      "run:succeeded",
    ]);
  });

  it("tells Weft the client's address and scheme, and Weft believes it", async () => {
    const workflow = await saveWorkflow(
      "name: forwarded\ntriggers:\n  - type: webhook\nsteps:\n  - { id: a, type: log, with: { message: hi } }\n",
    );
    const hookUrl = workflow.triggers[0]!.url!;
    expect(hookUrl.startsWith(`${base}/hooks/${workflow.id}/`)).toBe(true);

    const delivered = await fetch(hookUrl, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.9" },
      body: "{}",
      dispatcher: agent,
    });
    expect(delivered.status).toBe(202);
    // HSTS goes only on HTTPS answers: Weft took X-Forwarded-Proto from its trusted proxy.
    expect(delivered.headers.get("strict-transport-security")).toMatch(/^max-age=\d+/);
    const { runId } = (await delivered.json()) as { runId: string };
    const { headers } = (await runThroughNginx(runId)).trigger;
    expect(headers["x-forwarded-proto"]).toBe("https");
    // With its port: a browser's Origin on a port other than 443 carries it too.
    expect(headers["x-forwarded-host"]).toBe(new URL(base).host);
    expect(headers["x-real-ip"]).toBe("127.0.0.1");
    // nginx appends the address it saw to what the client claimed.
    expect(headers["x-forwarded-for"]).toBe("203.0.113.9, 127.0.0.1");

    // The access log names the delivery, but not the key that authorises it.
    const key = hookUrl.split("/").at(-1)!;
    const logged = await eventually(async () => {
      const text = readFileSync(accessLogPath({ dir }), "utf8");
      return text.includes(`/hooks/${workflow.id}/`) ? text : undefined;
    });
    expect(logged).toContain(`"POST /hooks/${workflow.id}/[key] HTTP/2.0" 202`);
    expect(logged).not.toContain(key);
  });

  it("refuses a body over client_max_body_size itself; Weft refuses API bodies over 1 MiB", async () => {
    const tooLarge = await viaNginx("/hooks/any/key", {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: Buffer.alloc(5 * 1024 * 1024 + 1),
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get("content-type")).toBe("text/html");
    expect(await tooLarge.text()).toContain("413 Request Entity Too Large");

    const overApiLimit = await viaNginx("/api/v1/workflows", {
      method: "POST",
      json: { name: "big", description: "x".repeat(2 * 1024 * 1024), steps: [] },
    });
    expect(overApiLimit.status).toBe(413);
    expect(overApiLimit.headers.get("content-type")).toContain("application/problem+json");
  });

  it("compresses a large JSON answer for a client that accepts gzip", async () => {
    const gzipped = await viaNginx("/api/openapi.json", {
      headers: { "accept-encoding": "gzip" },
    });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    expect(gzipped.headers.get("vary")).toContain("Accept-Encoding");
    expect(((await gzipped.json()) as { openapi: string }).openapi).toBe("3.1.0");

    const plain = await viaNginx("/api/openapi.json", {
      headers: { "accept-encoding": "identity" },
    });
    expect(plain.headers.get("content-encoding")).toBeNull();
  });

  it("has the UI's entry page revalidated and does not keep a missing asset", async () => {
    const entry = await viaNginx("/", { redirect: "manual" });
    expect(entry.headers.get("cache-control")).toBe("no-cache");
    const index = await viaNginx("/index.html");
    expect(index.headers.get("cache-control")).toBe("no-cache");

    const missing = await viaNginx("/assets/index-0000.js");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("cache-control") ?? "").not.toContain("immutable");
  });
});

/** The TLS version nginx agrees on, with the client capped at `maxVersion`. */
function negotiatedProtocol(maxVersion?: "TLSv1.2"): Promise<string | null> {
  const port = Number(new URL(base).port);
  return new Promise((resolve, reject) => {
    const socket = connectTls({ host: "127.0.0.1", port, ca, maxVersion }, () => {
      resolve(socket.getProtocol());
      socket.end();
    });
    socket.once("error", reject);
  });
}
