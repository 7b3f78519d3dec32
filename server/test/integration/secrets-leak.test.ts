import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import SQLite from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type FakeService, sendJson, startFakeService } from "../helpers/fake-service.ts";
import {
  applyYaml,
  eventually,
  type RunView,
  startRun,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

/**
 * A secret used every way a workflow can use one (http headers, query, body, a log step,
 * failing steps' errors, a webhook signature) and replaced while a step that read it is in
 * flight must show up nowhere: not in a log line, an API answer, any column of any table, or
 * the bytes of the database file.
 */

const KEY = "leak-test-key-5b1f0e9d8c7b6a5f4e3d2c1b0a";
/** Set first, and replaced while an attempt that read it waits on the service. */
const FIRST = "Zq8!vK@m#2 p/r+s=t&u%w~x*y;z";
const SECOND = "Hb7^Lm(3)q:r s?t=u&v/w+x%yZ";

const lines: string[] = [];
const answers: string[] = [];
let dataDir: string;
let server: TestServer;
let service: FakeService;
let closedPort: number;
let closed = false;
let releaseHold: () => void = () => {};
const held = new Promise<void>((resolve) => {
  releaseHold = resolve;
});

/** Every form the test looks for: as is, URL-encoded both ways, base64 and base64url. */
function forms(value: string): string[] {
  const bytes = Buffer.from(value);
  return [
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
    bytes.toString("base64").replace(/=+$/, ""),
    bytes.toString("base64url"),
    Buffer.from(`user:${value}`).toString("base64").replace(/=+$/, ""),
  ];
}
/** Characters each part of a URL, JSON and Latin-1 base64 treat in their own way. */
const ODD = 'open sesame/p@x:y<b>&amp;"q\\z\tä\nöüé-KKKK';
/** Cut into pieces by the URL parser: `?` starts the query and `#` the fragment. */
const CUTTER = "left-part?mid-part#right-part-LLLL";
/** How much of a failed answer's body the http step keeps (DETAIL_BYTES). */
const PREVIEW_BYTES = 2048;

/** The forms of an odd secret: as the URL parser writes each part, JSON-escaped, base64. */
function oddForms(value: string): string[] {
  const once = JSON.stringify(value).slice(1, -1);
  const url = new URL("http://h/");
  url.username = value;
  const parsed = (prefix: string) => new URL(prefix + value).href.slice(prefix.length);
  const encoded = [
    ...forms(value),
    parsed("http://h/p/"),
    parsed("http://h/?"),
    parsed("http://h/#"),
    url.username,
    once,
    JSON.stringify(once).slice(1, -1),
    ...value.split(/[?#]/),
    value.slice(0, 8),
  ];
  const base64 = ["", "user:"].flatMap((prefix) => [
    Buffer.from(`${prefix}${value}`, "latin1").toString("base64").replace(/=+$/, ""),
    Buffer.from(`${prefix}${encodeURIComponent(value)}`)
      .toString("base64")
      .replace(/=+$/, ""),
  ]);
  return [...encoded, ...base64];
}
const NEEDLES = [...forms(FIRST), ...forms(SECOND), ...oddForms(ODD), ...oddForms(CUTTER), KEY];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "weft-leak-"));
  service = await startFakeService(async (req, res) => {
    if (req.path.startsWith("/hold")) await held;
    const status = req.path.startsWith("/fail") ? 500 : 200;
    sendJson(res, status, { path: req.path, headers: req.headers, body: req.body });
  });
  const gone = await startFakeService(() => {});
  closedPort = Number(new URL(gone.url).port);
  await gone.close();

  const logDestination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  server = await startTestServer({
    dataDir,
    env: {
      WEFT_SECRET_KEY: KEY,
      WEFT_LOG_LEVEL: "trace",
      WEFT_HTTP_ALLOW_HOSTS: "127.0.0.1,localhost",
    },
    logDestination,
  });
});

afterAll(async () => {
  releaseHold();
  if (!closed) await server?.close();
  await service?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Sends a request with the admin token and keeps the answer's text for the search. */
async function api(path: string, init: RequestInit & { json?: unknown } = {}) {
  const response = await server.api(path, init);
  const text = await response.text();
  answers.push(text);
  return { status: response.status, text };
}

async function runToEnd(workflow: string): Promise<RunView> {
  const run = await waitForRunEnd(server, await startRun(server, workflow));
  answers.push((await api(`/api/v1/runs/${run.id}`)).text);
  answers.push((await api(`/api/v1/runs/${run.id}/events`)).text);
  return run;
}

const ENCODED = "{{ $encodeUrlComponent(secrets.LEAKY) }}";
const HTTP_WITH = (url: string) => `
      url: "${url}"
      method: POST
      headers:
        Authorization: "Bearer {{ secrets.LEAKY }}"
        X-Basic: "Basic {{ $base64encode('user:' & secrets.LEAKY) }}"
      query: { key: "{{ secrets.LEAKY }}" }
      json: { token: "{{ secrets.LEAKY }}", encoded: "${ENCODED}" }`;

/** Steps that fail with the secret in what went wrong: a status, a bad URL, header, address. */
const FAILING: Record<string, string> = {
  "leak-fail-status": `{ url: "SERVICE/fail/${ENCODED}", query: { k: "{{ secrets.LEAKY }}" } }`,
  "leak-fail-url": `{ url: "{{ secrets.LEAKY }}" }`,
  "leak-fail-header": `{ url: "SERVICE/echo", headers: { X-Bad: "{{ secrets.LEAKY }}\\x01" } }`,
  "leak-fail-refused": `{ url: "http://127.0.0.1:CLOSED/${ENCODED}" }`,
};

async function saveWorkflows(): Promise<void> {
  const workflows = [
    `name: leak-hold\nsteps:\n  - id: call\n    type: http\n    with:${HTTP_WITH("SERVICE/hold")}`,
    `name: leak-http\nsteps:\n  - id: call\n    type: http\n    with:${HTTP_WITH("SERVICE/echo")}`,
    `
name: leak-log
steps:
  - id: note
    type: log
    with:
      message: "the key is {{ secrets.LEAKY }}"
      data: { key: "{{ secrets.LEAKY }}", b64: "{{ $base64encode(secrets.LEAKY) }}" }
`,
    ...Object.entries(FAILING).map(
      ([name, step]) => `name: ${name}\nsteps:\n  - { id: step, type: http, with: ${step} }\n`,
    ),
    `
name: leak-hook
triggers:
  - type: webhook
    verify: { scheme: github, secret: "{{ secrets.LEAKY }}" }
steps:
  - { id: note, type: log, with: { message: "delivered {{ trigger.body.n }}" } }
`,
  ];
  for (const yaml of workflows) {
    await applyYaml(
      server,
      yaml.replaceAll("SERVICE", service.url).replaceAll("CLOSED", String(closedPort)),
    );
  }
}

/** Every value of every column of every table, as text, read straight from the file. */
function everyStoredText(db: SQLite.Database): { table: string; text: string }[] {
  const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as {
    name: string;
  }[];
  const found: { table: string; text: string }[] = [];
  for (const { name } of tables) {
    for (const row of db.prepare(`select * from "${name}"`).all() as Record<string, unknown>[]) {
      for (const value of Object.values(row)) {
        if (value === null) continue;
        const text = Buffer.isBuffer(value) ? value.toString("latin1") : String(value);
        found.push({ table: name, text });
      }
    }
  }
  return found;
}

it("masks secrets the URL parser, double JSON escaping, a cut preview and Latin-1 reshape", async () => {
  // Answers 500 with the request echoed, or for /cut with the body placed across the cut.
  const echo = await startFakeService((req, res) => {
    if (!req.path.startsWith("/cut")) {
      sendJson(res, req.path.startsWith("/ok") ? 200 : 500, { path: req.path, body: req.body });
      return;
    }
    res.writeHead(500, { "content-type": "text/plain" });
    res.end(`${"x".repeat(PREVIEW_BYTES - 12)}${req.body}`);
  });
  try {
    for (const [name, value] of [
      ["ODD", ODD],
      ["CUTTER", CUTTER],
    ]) {
      const put = await api(`/api/v1/secrets/${name}`, { method: "PUT", json: { value } });
      expect(put.status).toBe(201);
    }
    const steps: Record<string, string> = {
      "odd-path": `{ url: "SERVICE/p/{{ secrets.ODD }}" }`,
      "odd-query": `{ url: "SERVICE/q?k={{ secrets.ODD }}" }`,
      "odd-userinfo": `{ url: "http://user:{{ $encodeUrlComponent(secrets.ODD) }}@127.0.0.1/" }`,
      "odd-json": `{ url: "SERVICE/json", method: POST, json: { k: "{{ secrets.ODD }}" } }`,
      "odd-cut": `{ url: "SERVICE/cut", method: POST, body: "{{ secrets.ODD }}" }`,
      "odd-basic": `{ url: "SERVICE/ok", headers: { Authorization: "Basic {{ $base64encode('user:' & secrets.ODD) }}" } }`,
      "odd-cutter": `{ url: "SERVICE/c/{{ secrets.CUTTER }}" }`,
    };
    for (const [name, step] of Object.entries(steps)) {
      const yaml = `name: ${name}\nsteps:\n  - { id: step, type: http, with: ${step} }\n`;
      await applyYaml(server, yaml.replaceAll("SERVICE", echo.url));
    }

    const runs: Record<string, RunView> = {};
    for (const name of Object.keys(steps)) runs[name] = await runToEnd(name);

    const received = (prefix: string) => echo.requests.find((r) => r.path.startsWith(prefix))!;
    expect(received("/p/").path).toBe(new URL(`http://h/p/${ODD}`).pathname);
    expect(JSON.parse(received("/json").body)).toEqual({ k: ODD });
    expect(received("/cut").body).toBe(ODD);
    const basic = Buffer.from(`user:${ODD}`, "latin1").toString("base64");
    expect(received("/ok").headers.authorization).toBe(`Basic ${basic}`);
    expect(received("/c/").path).toBe("/c/left-part?mid-part");

    for (const name of ["odd-path", "odd-query", "odd-json", "odd-cut", "odd-cutter"]) {
      expect(runs[name]!.steps[0]!.error, name).toMatchObject({ kind: "http-status" });
    }
    expect(runs["odd-userinfo"]!.steps[0]!.error).toMatchObject({ kind: "invalid-request" });
    expect(runs["odd-basic"]!.status).toBe("succeeded");
    expect(runs["odd-cut"]!.steps[0]!.error).toMatchObject({
      details: { truncated: true, body: `${"x".repeat(PREVIEW_BYTES - 12)}[redacted]` },
    });
    expect(runs["odd-json"]!.steps[0]!.error).toMatchObject({
      details: { body: { body: '{"k":"[redacted]"}' } },
    });

    const db = new SQLite(join(dataDir, "weft.db"), { readonly: true });
    const stored = everyStoredText(db);
    db.close();
    const needles = [...oddForms(ODD), ...oddForms(CUTTER)];
    for (const text of [...lines, ...answers, ...stored.map(({ text }) => text)]) {
      for (const needle of needles) expect(text).not.toContain(needle);
    }
  } finally {
    await echo.close();
  }
});

it("keeps a secret out of logs, answers, every table and the database file", async () => {
  expect(
    (await api("/api/v1/secrets/LEAKY", { method: "PUT", json: { value: FIRST } })).status,
  ).toBe(201);
  await saveWorkflows();

  // An attempt reads FIRST, the secret is replaced while it waits, then the answer echoes FIRST.
  const holdRun = await startRun(server, "leak-hold");
  await eventually(async () => (service.requests.length > 0 ? true : undefined));
  const replaced = await api("/api/v1/secrets/LEAKY", { method: "PUT", json: { value: SECOND } });
  expect(replaced.status).toBe(200);
  releaseHold();
  const hold = await waitForRunEnd(server, holdRun);
  answers.push((await api(`/api/v1/runs/${holdRun}`)).text);
  expect(hold.status).toBe("succeeded");
  expect(service.requests[0]!.headers.authorization).toBe(`Bearer ${FIRST}`);

  const http = await runToEnd("leak-http");
  expect(http.status).toBe("succeeded");
  const sent = service.requests.find((r) => r.path.startsWith("/echo"))!;
  expect(sent.headers.authorization).toBe(`Bearer ${SECOND}`);
  expect(JSON.parse(sent.body).token).toBe(SECOND);
  expect(http.steps[0]!.output).toMatchObject({
    body: { headers: { authorization: "Bearer [redacted]" }, body: expect.any(String) },
  });

  const log = await runToEnd("leak-log");
  expect(log.steps[0]!.output).toMatchObject({ message: "the key is [redacted]" });

  for (const name of Object.keys(FAILING)) {
    const failed = await runToEnd(name);
    expect(failed.steps[0]!.status, name).toBe("failed");
    expect(failed.steps[0]!.error!.message, name).toMatch(/./);
  }

  const hook = await deliverHook();
  expect(hook.status).toBe("succeeded");

  await server.close();
  closed = true;
  expect(lines.some((l) => l.includes('"msg":"request completed"'))).toBe(true);
  for (const line of lines) for (const needle of NEEDLES) expect(line).not.toContain(needle);
  for (const text of answers) for (const needle of NEEDLES) expect(text).not.toContain(needle);

  const db = new SQLite(join(dataDir, "weft.db"));
  db.pragma("wal_checkpoint(TRUNCATE)");
  const stored = everyStoredText(db);
  db.close();
  expect(stored.some(({ text }) => text.includes("[redacted]"))).toBe(true);
  for (const { table, text } of stored) {
    for (const needle of NEEDLES) expect(text, `a value in table ${table}`).not.toContain(needle);
  }

  for (const file of ["weft.db", "weft.db-wal"].map((f) => join(dataDir, f))) {
    if (!existsSync(file)) continue;
    const bytes = readFileSync(file);
    for (const needle of NEEDLES)
      expect(bytes.includes(Buffer.from(needle)), `${needle} in ${file}`).toBe(false);
  }
});

/** A signed delivery (and a badly signed one, refused) to the hook verified with the secret. */
async function deliverHook(): Promise<RunView> {
  const saved = await api("/api/v1/workflows/leak-hook");
  const url = (JSON.parse(saved.text) as { triggers: { url: string }[] }).triggers[0]!.url;
  const body = JSON.stringify({ n: 1 });
  const sign = (secret: string) =>
    `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  const post = async (signature: string) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature-256": signature },
      body,
    });
    const text = await response.text();
    answers.push(text);
    return { status: response.status, text };
  };

  expect((await post(sign(FIRST))).status).toBe(401);
  const accepted = await post(sign(SECOND));
  expect(accepted.status).toBe(202);
  const runId = (JSON.parse(accepted.text) as { runId: string }).runId;
  return waitForRunEnd(server, runId);
}
