import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeService, startFakeService } from "../helpers/fake-service.ts";
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
let service: FakeService | undefined;

beforeAll(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await service?.close();
  service = undefined;
});
afterAll(() => server.close());

const cancel = (runId: string) => server.api(`/api/v1/runs/${runId}/cancel`, { method: "POST" });

describe("cancelling a run", () => {
  it("aborts the request in flight and cancels the steps that did not run", async () => {
    service = await startFakeService(() => undefined);
    await applyYaml(
      server,
      `
name: cancel-in-flight
steps:
  - id: hang
    type: http
    with: { url: "${service.url}/hang" }
  - id: next
    type: log
    needs: [hang]
    with: { message: never }
  - id: last
    type: log
    needs: [next]
    with: { message: never }
`,
    );
    const runId = await startRun(server, "cancel-in-flight");
    await eventually(async () => service!.requests[0], 5000, "the request to arrive");

    const response = await cancel(runId);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ runId, status: "cancelled" });

    await service.requests[0]!.aborted;
    const run = await waitForRunEnd(server, runId);
    expect(run.status).toBe("cancelled");
    expect(run.error).toBeNull();
    expect(run.steps.map((s) => [s.id, s.status])).toEqual([
      ["hang", "cancelled"],
      ["next", "cancelled"],
      ["last", "cancelled"],
    ]);
    expect(run.steps[0]!.attempts.map((a) => a.status)).toEqual(["cancelled"]);
    expect(service.requests).toHaveLength(1);

    // The aborted attempt ends later; it must not record anything over the cancellation.
    await eventually(async () => (server.weft.engine.runningAttempts === 0 ? true : undefined));
    const events = await getEvents(server, runId);
    expect(events.map((e) => e.type)).toEqual([
      "run:queued",
      "run:started",
      "step:started",
      "step:cancelled",
      "step:cancelled",
      "step:cancelled",
      "run:cancelled",
    ]);
    expect(events.at(-1)!.data?.reason).toMatch(/^cancelled by admin\d+@example\.test$/);
  });

  it("answers 409 problem+json when the run has already ended", async () => {
    service = await startFakeService(() => undefined);
    await applyYaml(
      server,
      `
name: cancel-twice
steps:
  - id: hang
    type: http
    with: { url: "${service.url}/hang" }
`,
    );
    const runId = await startRun(server, "cancel-twice");
    await eventually(async () => service!.requests[0], 5000, "the request to arrive");
    expect((await cancel(runId)).status).toBe(202);

    const again = await cancel(runId);
    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(await again.json()).toMatchObject({
      type: "urn:weft:problem:conflict",
      title: "Conflict",
      status: 409,
      detail: `run "${runId}" already ended as cancelled`,
      instance: `/api/v1/runs/${runId}/cancel`,
    });
  });

  it("cancels a run waiting in a delay, and the delay never completes it", async () => {
    await applyYaml(
      server,
      `
name: cancel-delay
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
    const runId = await startRun(server, "cancel-delay");
    await eventually(async () => {
      const events = await getEvents(server, runId);
      return events.some((e) => e.type === "step:waiting") ? true : undefined;
    });
    expect((await cancel(runId)).status).toBe(202);

    const run = await waitForRunEnd(server, runId);
    expect(run.status).toBe("cancelled");

    // A sweep as if the delay's instant had passed finds nothing to wake.
    expect(await server.weft.engine.sweep(Date.now() + 60_000)).toBe(0);
    const after = await waitForRunEnd(server, runId);
    expect(after.status).toBe("cancelled");
    expect(after.steps.map((s) => [s.id, s.status])).toEqual([
      ["wait", "cancelled"],
      ["after", "cancelled"],
    ]);
    const types = (await getEvents(server, runId)).map((e) => e.type);
    expect(types).not.toContain("step:succeeded");
  });

  it("answers 404 problem+json for a run that does not exist", async () => {
    const response = await cancel("no-such-run");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      type: "urn:weft:problem:not-found",
      detail: 'run "no-such-run" does not exist',
    });
  });
});
