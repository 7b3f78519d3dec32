import { readdirSync, readFileSync } from "node:fs";
import { extname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeService, sendJson, startFakeService } from "../helpers/fake-service.ts";
import {
  startRun,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

const EXAMPLES = new URL("../../../examples/", import.meta.url);
const FILES = readdirSync(EXAMPLES)
  .filter((name) => [".yaml", ".yml", ".json"].includes(extname(name)))
  .sort();

interface SavedWorkflow {
  change: string;
  workflow: {
    name: string;
    triggers: { id: string; type: string; timezone?: string; nextFireAt?: string | null }[];
  };
}

let server: TestServer;
/** Each example's answer when it was saved through the API, by file name. */
const answers = new Map<string, { status: number; body: SavedWorkflow }>();

beforeAll(async () => {
  server = await startTestServer();
  for (const file of FILES) {
    const format = extname(file) === ".json" ? "application/json" : "application/yaml";
    const response = await server.api("/api/v1/workflows", {
      method: "POST",
      headers: { "content-type": format },
      body: readExample(file),
    });
    answers.set(file, { status: response.status, body: (await response.json()) as SavedWorkflow });
  }
});
afterAll(() => server.close());

describe("examples/", () => {
  it("holds the examples the docs point to", () => {
    expect(FILES).toEqual(
      expect.arrayContaining([
        "github-triage.yaml",
        "hello.yaml",
        "nightly-report.yaml",
        "retry-demo.yaml",
      ]),
    );
  });

  for (const file of FILES) {
    it(`${file} opens with a header that says what it does and how to trigger it`, () => {
      const text = readExample(file);
      expect(text.startsWith("# ")).toBe(true);
      expect(text).toMatch(/^# What it does$/m);
      expect(text).toMatch(/^# How to trigger it$/m);
    });

    it(`${file} is saved as it is, with 201`, () => {
      const { status, body } = answers.get(file)!;
      expect(status, JSON.stringify(body)).toBe(201);
      expect(body.change).toBe("created");
    });
  }
});

describe("hello.yaml", () => {
  it("greets Ada after a one-second delay, as the quick start shows", async () => {
    const runId = await startRun(server, "hello", { name: "Ada" });
    const run = await waitForRunEnd(server, runId);

    expect(run.status).toBe("succeeded");
    expect(run.steps.map((s) => [s.id, s.status])).toEqual([
      ["greet", "succeeded"],
      ["pause", "succeeded"],
      ["say", "succeeded"],
    ]);
    expect(run.steps[0]!.output).toEqual({ greeting: "Hello, Ada!" });
    expect(run.output).toEqual({ say: { message: "Hello, Ada!" } });
    expect((run as unknown as { durationMs: number }).durationMs).toBeGreaterThanOrEqual(1000);
  });

  it("greets the world when no name is given", async () => {
    const run = await waitForRunEnd(server, await startRun(server, "hello"));
    expect(run.output).toEqual({ say: { message: "Hello, world!" } });
  });
});

describe("nightly-report.yaml", () => {
  it("is due next at 06:00 Berlin time on a weekday", () => {
    const trigger = answers.get("nightly-report.yaml")?.body.workflow.triggers[0];
    expect(trigger).toMatchObject({ type: "schedule", timezone: "Europe/Berlin" });
    const next = new Date(trigger!.nextFireAt!);
    const berlin = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/Berlin",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(next);
    expect(berlin).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 06:00$/);
    expect(next.getTime()).toBeGreaterThan(Date.now());
  });
});

describe("retry-demo.yaml", () => {
  let service: FakeService;
  beforeAll(async () => {
    const calls = new Map<string, number>();
    service = await startFakeService((request, response) => {
      const n = (calls.get(request.path) ?? 0) + 1;
      calls.set(request.path, n);
      if (request.path === "/flaky" && n <= 2) return sendJson(response, 503, { n });
      // Left unanswered, the first call to /slow outlasts the step's 5s timeout.
      if (request.path === "/slow" && n === 1) return;
      sendJson(response, 200, { n });
    });
  });
  afterAll(() => service.close());

  it("retries 503s with waits that double, then succeeds", async () => {
    const runId = await startRun(server, "retry-demo", { url: `${service.url}/flaky` });
    const run = await waitForRunEnd(server, runId, 15_000);

    expect(run.status).toBe("succeeded");
    const call = run.steps.find((s) => s.id === "call")!;
    expect(call.attempts.map((a) => [a.number, a.status])).toEqual([
      [1, "failed"],
      [2, "failed"],
      [3, "succeeded"],
    ]);
    expect(call.attempts[0]!.error).toMatchObject({ kind: "http-status", retryable: true });
    expect(run.output).toEqual({ report: { message: "the service answered 200" } });

    const waits = waitsBetween(call.attempts as unknown as AttemptTimes[]);
    // Jitter spreads each wait over the upper half of 1s, then of 2s.
    expect(waits[0]).toBeGreaterThanOrEqual(450);
    expect(waits[0]).toBeLessThanOrEqual(1200);
    expect(waits[1]).toBeGreaterThanOrEqual(950);
    expect(waits[1]).toBeLessThanOrEqual(2200);
    const flaky = service.requests.filter((r) => r.path === "/flaky");
    expect(new Set(flaky.map((r) => r.headers["idempotency-key"])).size).toBe(1);
  }, 20_000);

  it("stops an attempt after its 5s timeout and retries it", async () => {
    const runId = await startRun(server, "retry-demo", { url: `${service.url}/slow` });
    const run = await waitForRunEnd(server, runId, 15_000);

    expect(run.status).toBe("succeeded");
    const call = run.steps.find((s) => s.id === "call")!;
    expect(call.attempts.map((a) => [a.number, a.status])).toEqual([
      [1, "failed"],
      [2, "succeeded"],
    ]);
    expect(call.attempts[0]!.error).toMatchObject({ kind: "timeout", retryable: true });
    const took = (call.attempts[0] as unknown as AttemptTimes).durationMs;
    expect(took).toBeGreaterThanOrEqual(4900);
    expect(took).toBeLessThan(7000);
  }, 20_000);
});

interface AttemptTimes {
  availableAt: string;
  endedAt: string;
  durationMs: number;
}

/** How long each retry waited after the attempt before it ended. */
function waitsBetween(attempts: AttemptTimes[]): number[] {
  return attempts
    .slice(1)
    .map((a, i) => Date.parse(a.availableAt) - Date.parse(attempts[i]!.endedAt));
}

function readExample(file: string): string {
  return readFileSync(new URL(file, EXAMPLES), "utf8");
}
