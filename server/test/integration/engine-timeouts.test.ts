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

/** A service that takes every request and never answers. */
const startHangingService = () => startFakeService(() => undefined);

describe("timeouts", () => {
  it("fails an attempt past its step timeout with kind timeout and drops the connection", async () => {
    service = await startHangingService();
    await applyYaml(
      server,
      `
name: step-timeout
steps:
  - id: slow
    type: http
    timeout: 100ms
    with: { url: "${service.url}/slow" }
  - id: after
    type: log
    needs: [slow]
    with: { message: never }
`,
    );
    const runId = await startRun(server, "step-timeout");
    const run = await waitForRunEnd(server, runId);

    expect(run.status).toBe("failed");
    const [slow, after] = run.steps;
    expect(slow!.attempts).toHaveLength(1);
    expect(slow!.attempts[0]).toMatchObject({
      status: "failed",
      error: { kind: "timeout", message: "timed out after 100ms", retryable: true },
    });
    expect(slow!.error).toMatchObject({ kind: "timeout", message: "timed out after 100ms" });
    expect(after!.status).toBe("cancelled");
    expect(run.error).toMatchObject({
      kind: "timeout",
      message: 'step "slow" failed: timed out after 100ms',
    });
    await service.requests[0]!.aborted;
  });

  it("retries a timed-out attempt when the step has a retry policy", async () => {
    service = await startFakeService((_req, res, n) => {
      if (n > 1) sendJson(res, 200, "ok");
    });
    await applyYaml(
      server,
      `
name: timeout-then-ok
steps:
  - id: slow
    type: http
    timeout: 400ms
    retry: { attempts: 2, backoff: fixed, initialDelay: 50ms, jitter: false }
    with: { url: "${service.url}/slow" }
`,
    );
    const run = await waitForRunEnd(server, await startRun(server, "timeout-then-ok"));

    expect(run.status).toBe("succeeded");
    expect(
      run.steps[0]!.attempts.map((a) => [a.status, (a.error as { kind?: string })?.kind]),
    ).toEqual([
      ["failed", "timeout"],
      ["succeeded", undefined],
    ]);
    expect(run.steps[0]!.output).toMatchObject({ status: 200, body: "ok" });
  });

  it("fails on the http step's own request timeout with kind timeout", async () => {
    service = await startHangingService();
    await applyYaml(
      server,
      `
name: request-timeout
steps:
  - id: slow
    type: http
    with: { url: "${service.url}/slow", timeout: 100ms }
`,
    );
    const run = await waitForRunEnd(server, await startRun(server, "request-timeout"));

    expect(run.status).toBe("failed");
    expect(run.steps[0]!.attempts[0]!.error).toMatchObject({
      kind: "timeout",
      message: "timed out after 100ms",
    });
  });

  it("fails a run past its workflow timeout with kind run-timeout", async () => {
    await applyYaml(
      server,
      `
name: run-timeout
timeout: 500ms
steps:
  - id: wait
    type: delay
    with: { duration: 10s }
  - id: after
    type: log
    needs: [wait]
    with: { message: never }
`,
    );
    const runId = await startRun(server, "run-timeout");
    const run = await waitForRunEnd(server, runId);

    expect(run.status).toBe("failed");
    expect(run.error).toEqual({
      kind: "run-timeout",
      message: "the run passed its timeout",
      retryable: false,
    });
    expect(run.steps.map((s) => [s.id, s.status])).toEqual([
      ["wait", "cancelled"],
      ["after", "cancelled"],
    ]);

    const types = (await getEvents(server, runId)).map((e) => e.type);
    expect(types).toEqual([
      "run:queued",
      "run:started",
      "step:started",
      "step:waiting",
      "step:cancelled",
      "step:cancelled",
      "run:failed",
    ]);
  });
});
