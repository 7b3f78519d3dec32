import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeService, sendJson, startFakeService } from "../helpers/fake-service.ts";
import { getEvents } from "../helpers/run-events.ts";
import {
  applyYaml,
  startRun,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

let server: TestServer;
let service: FakeService | undefined;

beforeAll(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await service?.close();
  service = undefined;
});
afterAll(() => server.close());

const retry = "{ attempts: 3, backoff: fixed, initialDelay: 50ms, jitter: false }";

describe("retries of an http step", () => {
  it("retries a 503 twice and succeeds on the third attempt with one idempotency key", async () => {
    service = await startFakeService((_req, res, n) =>
      n <= 2 ? sendJson(res, 503, { busy: true }) : sendJson(res, 200, { ok: n }),
    );
    await applyYaml(
      server,
      `
name: retry-503
steps:
  - id: call
    type: http
    with: { url: "${service.url}/work" }
    retry: ${retry}
`,
    );
    const runId = await startRun(server, "retry-503");
    const run = await waitForRunEnd(server, runId);

    expect(run.status).toBe("succeeded");
    const [call] = run.steps;
    expect(call!.status).toBe("succeeded");
    expect(call!.attempts.map((a) => [a.number, a.status])).toEqual([
      [1, "failed"],
      [2, "failed"],
      [3, "succeeded"],
    ]);
    expect(call!.attempts[0]!.error).toMatchObject({
      kind: "http-status",
      message: `GET ${service.url}/work answered 503 Service Unavailable`,
      retryable: true,
      details: { status: 503, body: { busy: true }, truncated: false },
    });
    expect(call!.output).toMatchObject({ status: 200, body: { ok: 3 } });

    const keys = service.requests.map((r) => r.headers["idempotency-key"]);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toEqual(expect.any(String));
    expect(new Set(keys).size).toBe(1);

    const retrying = (await getEvents(server, runId)).filter((e) => e.type === "step:retrying");
    expect(retrying.map((e) => [e.stepId, e.data?.attempt, e.data?.delayMs])).toEqual([
      ["call", 1, 50],
      ["call", 2, 50],
    ]);
    expect(retrying[0]!.data?.error).toMatchObject({ kind: "http-status" });
  });

  it("fails a 404 at once with one attempt and cancels the steps after it", async () => {
    service = await startFakeService((_req, res) => sendJson(res, 404, { error: "no such thing" }));
    await applyYaml(
      server,
      `
name: fail-404
steps:
  - id: call
    type: http
    with: { url: "${service.url}/missing" }
    retry: ${retry}
  - id: after
    type: transform
    needs: [call]
    with: { expression: '1' }
  - id: last
    type: log
    needs: [after]
    with: { message: never }
`,
    );
    const runId = await startRun(server, "fail-404");
    const run = await waitForRunEnd(server, runId);

    expect(run.status).toBe("failed");
    const message = `GET ${service.url}/missing answered 404 Not Found`;
    expect(run.error).toMatchObject({
      kind: "http-status",
      message: `step "call" failed: ${message}`,
    });
    expect(service.requests).toHaveLength(1);
    expect(run.steps.map((s) => [s.id, s.status, s.attempts.length])).toEqual([
      ["call", "failed", 1],
      ["after", "cancelled", 0],
      ["last", "cancelled", 0],
    ]);
    expect(run.steps[0]!.error).toMatchObject({ kind: "http-status", message, retryable: false });

    const types = (await getEvents(server, runId)).map((e) => e.type);
    expect(types).not.toContain("step:retrying");
    expect(types.filter((t) => t === "step:cancelled")).toHaveLength(2);
    expect(types.at(-1)).toBe("run:failed");
  });

  it("gives up after the last allowed attempt and keeps each attempt's error", async () => {
    service = await startFakeService((_req, res) => sendJson(res, 502, { down: true }));
    await applyYaml(
      server,
      `
name: exhausted
steps:
  - id: call
    type: http
    with: { url: "${service.url}/down" }
    retry: { attempts: 2, backoff: fixed, initialDelay: 50ms, jitter: false }
`,
    );
    const runId = await startRun(server, "exhausted");
    const run = await waitForRunEnd(server, runId);

    expect(run.status).toBe("failed");
    expect(service.requests).toHaveLength(2);
    expect(run.steps[0]!.attempts.map((a) => a.status)).toEqual(["failed", "failed"]);
    expect(run.error?.message).toBe(
      `step "call" failed: GET ${service.url}/down answered 502 Bad Gateway`,
    );
    const retrying = (await getEvents(server, runId)).filter((e) => e.type === "step:retrying");
    expect(retrying).toHaveLength(1);
  });
});
