import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "../helpers/problem.ts";
import { insertRuns, type RunRowSpec } from "../helpers/run-rows.ts";
import {
  applyYaml,
  startRun,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

/** GET /api/v1/runs/export: the list's filters, CSV by RFC 4180 made safe for spreadsheets, JSON. */

const SECRET = "exp0rt-secret-value-91";
const BULK = 2345;
const HEADER = [
  "id",
  "workflowId",
  "workflowName",
  "version",
  "status",
  "triggerType",
  "triggerId",
  "createdAt",
  "startedAt",
  "endedAt",
  "durationMs",
  "errorKind",
  "errorMessage",
  "tags",
];
/** Error messages that CSV must quote, or that a spreadsheet would run as formulas. */
const TRICKY = [
  "plain",
  "a,b,c",
  'say "hi", then "bye"',
  "line one\nline two",
  "crlf\r\ninside",
  "naïve — 日本語 🚀",
  '=HYPERLINK("http://example.test")',
  "+1+2",
  "-3-4",
  "@SUM(A1)",
  "\tindented",
  "\rcarriage",
];

let server: TestServer;
let bulkId: string;
let trickyId: string;
let leakRun: string;
let leakMessage: string;
let viewer: string;
const base = Date.parse("2026-03-01T12:00:00.000Z");

beforeAll(async () => {
  server = await startTestServer({ secrets: { LEAK: SECRET } });
  viewer = await server.tokenFor("viewer");
  bulkId = (await applyYaml(server, step("bulk", "[one, two]", "1"))).id;
  trickyId = (await applyYaml(server, step("tricky", "[]", "1"))).id;
  await applyYaml(
    server,
    'name: leaky\nsteps:\n  - { id: a, type: http, with: { url: "http://127.0.0.1:1/{{ secrets.LEAK }}" } }\n',
  );

  const bulk: RunRowSpec[] = Array.from({ length: BULK }, (_, i) => ({
    workflowId: bulkId,
    status: i % 10 === 0 ? "failed" : "succeeded",
    createdAt: base + i * 1000,
    startedAt: base + i * 1000 + 10,
    endedAt: base + i * 1000 + 10 + i,
    tags: ["one", "two"],
    ...(i % 10 === 0 ? { error: { kind: "http", message: `status ${i}` } } : {}),
  }));
  const tricky: RunRowSpec[] = TRICKY.map((message, i) => ({
    workflowId: trickyId,
    status: "failed",
    createdAt: base + BULK * 1000 + i * 1000,
    startedAt: null,
    endedAt: base + BULK * 1000 + i * 1000 + 5,
    error: { kind: i === 7 ? "=kind" : "transform", message },
  }));
  await insertRuns(server, [...bulk, ...tricky]);
  leakRun = await startRun(server, "leaky");
  leakMessage = (await waitForRunEnd(server, leakRun)).error!.message;
});
afterAll(() => server.close());

function step(name: string, tags: string, expression: string): string {
  return `name: ${name}\ntags: ${tags}\nsteps:\n  - { id: a, type: transform, with: { expression: "${expression}" } }\n`;
}

const exportOf = (query: string, token = viewer) =>
  server.api(`/api/v1/runs/export?${query}`, { headers: { authorization: `Bearer ${token}` } });

/** Reads CSV by RFC 4180, refusing anything malformed; returns records of fields. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = "";
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error("unterminated quoted field");
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i += 1;
          break;
        } else field += text[i++];
      }
    } else {
      while (i < text.length && !",\r\n".includes(text[i]!)) {
        if (text[i] === '"') throw new Error(`a quote inside an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    fields.push(field);
    if (text[i] === ",") i += 1;
    else if (text.startsWith("\r\n", i)) {
      records.push(fields);
      fields = [];
      i += 2;
    } else throw new Error(`expected a comma or CRLF at ${i}, found ${JSON.stringify(text[i])}`);
  }
  if (fields.length > 0) throw new Error("the last record does not end with CRLF");
  return records;
}

const asObjects = (records: string[][]) =>
  records.slice(1).map((r) => Object.fromEntries(HEADER.map((h, i) => [h, r[i]!])));

describe("CSV", () => {
  it("streams every run, newest first, with a header row and one record per run", async () => {
    const response = await exportOf("format=csv");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="weft-runs-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(response.headers.get("transfer-encoding")).toBe("chunked");
    const text = await response.text();
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    const records = parseCsv(text);
    expect(records[0]).toEqual(HEADER);
    expect(records.slice(1).every((r) => r.length === HEADER.length)).toBe(true);
    expect(records.length - 1).toBe(BULK + TRICKY.length + 1);

    const ids = records.slice(1).map((r) => r[0]!);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort().reverse());
  });

  it("round-trips quotes, commas, newlines and unicode, and makes formulas inert", async () => {
    const rows = asObjects(parseCsv(await (await exportOf("workflow=tricky")).text()));
    const inert = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
    expect(rows.map((r) => r.errorMessage).reverse()).toEqual(TRICKY.map(inert));
    expect(rows.map((r) => r.errorMessage)).toContain('\'=HYPERLINK("http://example.test")');
    expect(rows.map((r) => r.errorMessage)).toContain("a,b,c");
    expect(rows.map((r) => r.errorKind)).toContain("'=kind");
    const first = rows.at(-1)!;
    expect(first).toMatchObject({
      workflowId: trickyId,
      workflowName: "tricky",
      version: "1",
      status: "failed",
      triggerType: "manual",
      triggerId: "",
      startedAt: "",
      durationMs: "5",
      tags: "",
    });
    expect(first.createdAt).toBe(new Date(base + BULK * 1000).toISOString());
  });

  it("takes the list's filters and writes tags, times and durations", async () => {
    const rows = asObjects(
      parseCsv(await (await exportOf("workflow=bulk&status=failed&tag=two")).text()),
    );
    expect(rows).toHaveLength(Math.ceil(BULK / 10));
    const oldest = rows.at(-1)!;
    expect(oldest).toMatchObject({
      status: "failed",
      tags: "one,two",
      errorKind: "http",
      errorMessage: "status 0",
      durationMs: "0",
      createdAt: new Date(base).toISOString(),
      startedAt: new Date(base + 10).toISOString(),
    });

    const from = new Date(base + 100_000).toISOString();
    const to = new Date(base + 200_000).toISOString();
    const window = parseCsv(await (await exportOf(`workflow=bulk&from=${from}&to=${to}`)).text());
    expect(window.length - 1).toBe(100);
    const none = parseCsv(await (await exportOf("workflow=bulk&trigger=webhook")).text());
    expect(none).toEqual([HEADER]);
  });

  it("starts with the UTF-8 byte order mark when bom=1", async () => {
    const bytes = new Uint8Array(await (await exportOf("workflow=tricky&bom=1")).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    expect(parseCsv(text.slice(1))[0]).toEqual(HEADER);
  });

  it("never shows a secret the engine redacted", async () => {
    const text = await (await exportOf("workflow=leaky")).text();
    const rows = asObjects(parseCsv(text));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(leakRun);
    expect(rows[0]!.errorMessage).toBe(leakMessage);
    expect(leakMessage).toContain("[redacted]");
    expect(text).not.toContain(SECRET);
  });
});

describe("JSON", () => {
  it("streams one array with the same runs and fields", async () => {
    const response = await exportOf("format=json&workflow=tricky");
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(/filename="weft-runs-.+\.json"/);
    const items = (await response.json()) as Record<string, unknown>[];
    expect(items).toHaveLength(TRICKY.length);
    expect(Object.keys(items[0]!)).toEqual(HEADER);
    expect(items.map((r) => r.errorMessage).reverse()).toEqual(TRICKY);
    expect(items[0]!.tags).toEqual([]);
  });

  it("holds every run across pages, and an empty array when nothing matches", async () => {
    const items = (await (await exportOf("format=json&workflow=bulk")).json()) as unknown[];
    expect(items).toHaveLength(BULK);
    const empty = await (await exportOf("format=json&workflow=bulk&status=cancelled")).json();
    expect(empty).toEqual([]);
  });

  it("writes one object per line as NDJSON", async () => {
    const text = await (await exportOf("format=ndjson&workflow=bulk&status=failed")).text();
    const lines = text.split("\n");
    expect(lines.at(-1)).toBe("");
    const items = lines.slice(0, -1).map((line) => JSON.parse(line) as { status: string });
    expect(items).toHaveLength(Math.ceil(BULK / 10));
    expect(items.every((r) => r.status === "failed")).toBe(true);
  });
});

describe("refusals", () => {
  it.each([
    ["status=bogus", "querystring.status"],
    ["trigger=cron", "querystring.trigger"],
    ["from=yesterday", "querystring.from"],
    ["format=xml", "querystring.format"],
    ["bom=yes", "querystring.bom"],
  ])("answers 400 naming the parameter for %s", async (query, path) => {
    const problem = await expectProblem(await exportOf(query), 400, "bad-request");
    expect(problem.detail).toContain(path);
  });

  it("answers 404 for an unknown workflow and 401 without a token", async () => {
    const problem = await expectProblem(await exportOf("workflow=nope"), 404, "not-found");
    expect(problem.detail).toBe('workflow "nope" does not exist');
    const anonymous = await fetch(`${server.url}/api/v1/runs/export`);
    await expectProblem(anonymous, 401, "unauthorized");
  });
});
