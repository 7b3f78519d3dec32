import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeService, sendJson, startFakeService } from "../helpers/fake-service.ts";
import { getEvents } from "../helpers/run-events.ts";
import {
  applyYaml,
  eventually,
  startRun,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

let server: TestServer;
const services: FakeService[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
});
afterAll(() => server.close());

const retryRun = (runId: string) => server.api(`/api/v1/runs/${runId}/retry`, { method: "POST" });

async function service(handler: Parameters<typeof startFakeService>[0]) {
  const started = await startFakeService(handler);
  services.push(started);
  return started;
}

describe("retrying a run from its failed step", () => {
  it("keeps the succeeded step and gives the failed one a fresh attempt", async () => {
    const first = await service((_req, res, n) => sendJson(res, 200, { call: n }));
    const second = await service((_req, res, n) =>
      n === 1 ? sendJson(res, 404, { error: "not yet" }) : sendJson(res, 200, { ready: true }),
    );
    await applyYaml(
      server,
      `
name: retry-run
steps:
  - id: first
    type: http
    with: { url: "${first.url}/one" }
  - id: second
    type: http
    needs: [first]
    with: { url: "${second.url}/two", query: { from: "{{ steps.first.output.body.call }}" } }
  - id: third
    type: transform
    needs: [second]
    with: { expression: 'steps.second.output.body.ready' }
`,
    );
    const runId = await startRun(server, "retry-run");
    const failed = await waitForRunEnd(server, runId);
    expect(failed.status).toBe("failed");
    expect(failed.steps.map((s) => s.status)).toEqual(["succeeded", "failed", "cancelled"]);

    const response = await retryRun(runId);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ runId, status: "running" });
    const run = await waitForRunEnd(server, runId);

    expect(run.status).toBe("succeeded");
    expect(run.error).toBeNull();
    expect(run.output).toEqual({ third: true });
    expect(first.requests).toHaveLength(1);
    expect(second.requests.map((r) => r.path)).toEqual(["/two?from=1", "/two?from=1"]);
    const [one, two, three] = run.steps;
    expect(one!.attempts.map((a) => a.status)).toEqual(["succeeded"]);
    expect(two!.status).toBe("succeeded");
    expect(two!.attempts.map((a) => [a.number, a.status])).toEqual([
      [1, "failed"],
      [2, "succeeded"],
    ]);
    expect(three!.attempts.map((a) => a.status)).toEqual(["succeeded"]);

    const types = (await getEvents(server, runId)).map((e) => e.type);
    expect(types.filter((t) => t === "run:queued")).toHaveLength(2);
    expect(types.at(-1)).toBe("run:succeeded");
  });

  it("gives the retried step its whole retry budget again", async () => {
    const flaky = await service((_req, res, n) =>
      n <= 2 ? sendJson(res, 503, {}) : sendJson(res, 200, { n }),
    );
    await applyYaml(
      server,
      `
name: retry-budget
steps:
  - id: call
    type: http
    retry: { attempts: 2, backoff: fixed, initialDelay: 50ms, jitter: false }
    with: { url: "${flaky.url}/" }
`,
    );
    const runId = await startRun(server, "retry-budget");
    expect((await waitForRunEnd(server, runId)).status).toBe("failed");
    expect(flaky.requests).toHaveLength(2);

    expect((await retryRun(runId)).status).toBe(202);
    const run = await waitForRunEnd(server, runId);

    expect(run.status).toBe("succeeded");
    expect(flaky.requests).toHaveLength(3);
    expect(run.steps[0]!.attempts.map((a) => [a.number, a.status])).toEqual([
      [1, "failed"],
      [2, "failed"],
      [3, "succeeded"],
    ]);
  });

  it("retries a cancelled run from the step that was cancelled", async () => {
    const hang = await service((_req, res, n) => {
      if (n > 1) sendJson(res, 200, { n });
    });
    await applyYaml(
      server,
      `
name: retry-cancelled
steps:
  - id: call
    type: http
    with: { url: "${hang.url}/" }
`,
    );
    const runId = await startRun(server, "retry-cancelled");
    await eventually(async () => hang.requests[0], 5000, "the request to arrive");
    await server.api(`/api/v1/runs/${runId}/cancel`, { method: "POST" });
    expect((await waitForRunEnd(server, runId)).status).toBe("cancelled");

    expect((await retryRun(runId)).status).toBe(202);
    const run = await waitForRunEnd(server, runId);
    expect(run.status).toBe("succeeded");
    expect(run.steps[0]!.output).toMatchObject({ status: 200, body: { n: 2 } });
  });

  it("numbers on past an attempt that was cancelled while it waited out its backoff", async () => {
    const flaky = await service((_req, res, n) =>
      n === 1 ? sendJson(res, 503, {}) : sendJson(res, 200, { n }),
    );
    await applyYaml(
      server,
      `
name: retry-after-backoff
steps:
  - id: call
    type: http
    retry: { attempts: 3, backoff: fixed, initialDelay: 1m, jitter: false }
    with: { url: "${flaky.url}/" }
`,
    );
    const runId = await startRun(server, "retry-after-backoff");
    await eventually(async () => {
      const events = await getEvents(server, runId);
      return events.some((e) => e.type === "step:retrying") ? true : undefined;
    });
    await server.api(`/api/v1/runs/${runId}/cancel`, { method: "POST" });
    expect((await waitForRunEnd(server, runId)).status).toBe("cancelled");

    expect((await retryRun(runId)).status).toBe(202);
    const run = await waitForRunEnd(server, runId);
    expect(run.status).toBe("succeeded");
    expect(flaky.requests).toHaveLength(2);
    expect(run.steps[0]!.attempts.map((a) => [a.number, a.status])).toEqual([
      [1, "failed"],
      [2, "cancelled"],
      [3, "succeeded"],
    ]);
  });

  it("refuses to retry a run that succeeded with 409", async () => {
    await applyYaml(
      server,
      `
name: retry-succeeded
steps:
  - id: only
    type: transform
    with: { expression: '1' }
`,
    );
    const runId = await startRun(server, "retry-succeeded");
    expect((await waitForRunEnd(server, runId)).status).toBe("succeeded");

    const response = await retryRun(runId);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({
      type: "urn:weft:problem:conflict",
      detail: `run "${runId}" is succeeded: only failed or cancelled runs can be retried`,
    });
  });
});
