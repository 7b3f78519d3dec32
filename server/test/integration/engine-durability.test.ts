import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sendJson, startFakeService } from "../helpers/fake-service.ts";
import { eventLabels, getEvents } from "../helpers/run-events.ts";
import {
  applyYaml,
  eventually,
  startRun,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

/** Servers, services and data folders of the current test, undone after it. */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function makeDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "weft-durable-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startServer(dataDir: string, env: Record<string, string> = {}) {
  const server = await startTestServer({ dataDir, env: { WEFT_SHUTDOWN_GRACE: "100ms", ...env } });
  let stopped = false;
  cleanups.push(() => (stopped ? undefined : server.close()));
  return {
    server,
    stop: async () => {
      stopped = true;
      await server.weft.stop();
    },
  };
}

async function startService(handler: Parameters<typeof startFakeService>[0]) {
  const service = await startFakeService(handler);
  cleanups.push(() => service.close());
  return service;
}

const countLabel = (labels: string[], label: string) => labels.filter((l) => l === label).length;

async function waitForEvent(server: TestServer, runId: string, type: string) {
  await eventually(
    async () => ((await getEvents(server, runId)).some((e) => e.type === type) ? true : undefined),
    5000,
    `${type} of run ${runId}`,
  );
}

describe("durability across restarts", () => {
  it("completes a delay that was waiting when the server stopped", async () => {
    const dataDir = makeDataDir();
    const first = await startServer(dataDir);
    await applyYaml(
      first.server,
      `
name: durable-delay
steps:
  - id: pause
    type: delay
    with: { duration: 1500ms }
  - id: next
    type: transform
    needs: [pause]
    with: { expression: '"after the pause"' }
`,
    );
    const runId = await startRun(first.server, "durable-delay");
    await waitForEvent(first.server, runId, "step:waiting");
    await first.stop();

    const second = await startServer(dataDir);
    const run = await waitForRunEnd(second.server, runId);

    expect(run.status).toBe("succeeded");
    const [pause, next] = run.steps as (RunStep & { wakeAt: string })[];
    expect(pause!.status).toBe("succeeded");
    expect(pause!.output).toEqual({ waitedUntil: pause!.wakeAt });
    expect(next!.status).toBe("succeeded");
    expect(next!.attempts.map((a) => a.status)).toEqual(["succeeded"]);
    expect(run.output).toEqual({ next: "after the pause" });

    const labels = eventLabels(await getEvents(second.server, runId));
    expect(countLabel(labels, "step:succeeded pause")).toBe(1);
    expect(countLabel(labels, "step:started next")).toBe(1);
    expect(countLabel(labels, "run:succeeded")).toBe(1);
  });

  it("retries an attempt whose worker stopped mid-request, and records it once", async () => {
    const dataDir = makeDataDir();
    const env = { WEFT_LEASE_DURATION: "300ms" };
    const calls = await startService((_req, res, n) => {
      if (n > 1) sendJson(res, 200, { call: n });
    });
    const after = await startService((_req, res) => sendJson(res, 200, { after: true }));
    const first = await startServer(dataDir, env);
    await applyYaml(
      first.server,
      `
name: lost-on-stop
steps:
  - id: call
    type: http
    with: { url: "${calls.url}/call" }
  - id: after
    type: http
    needs: [call]
    with: { url: "${after.url}/after" }
`,
    );
    const runId = await startRun(first.server, "lost-on-stop");
    await eventually(async () => calls.requests[0], 5000, "the first request");
    await first.stop();

    const second = await startServer(dataDir, env);
    const run = await waitForRunEnd(second.server, runId);

    expect(run.status).toBe("succeeded");
    const [call, next] = run.steps;
    expect(call!.attempts.map((a) => [a.number, a.status])).toEqual([
      [1, "lost"],
      [2, "succeeded"],
    ]);
    expect(call!.attempts[0]!.error).toEqual({
      kind: "lease-expired",
      message: "the worker stopped renewing its lease",
    });
    expect(call!.output).toMatchObject({ status: 200, body: { call: 2 } });
    expect(next!.attempts.map((a) => a.status)).toEqual(["succeeded"]);
    expect(calls.requests).toHaveLength(2);
    expect(after.requests).toHaveLength(1);
    expect(calls.requests[1]!.headers["idempotency-key"]).toBe(
      calls.requests[0]!.headers["idempotency-key"],
    );

    const events = await getEvents(second.server, runId);
    const labels = eventLabels(events);
    expect(countLabel(labels, "step:succeeded call")).toBe(1);
    expect(countLabel(labels, "step:started after")).toBe(1);
    expect(labels).not.toContain("step:failed call");
    const retrying = events.find((e) => e.type === "step:retrying");
    expect(retrying?.data).toMatchObject({
      attempt: 1,
      delayMs: 0,
      error: { kind: "lease-expired", message: "attempt 1 lost its worker" },
    });
  });

  it("leaves an attempt aborted by a shutdown to its lease instead of failing the step", async () => {
    const dataDir = makeDataDir();
    const { server } = await startServer(dataDir);
    const calls = await startService(() => undefined);
    await applyYaml(
      server,
      `
name: shutdown-abort
steps:
  - id: call
    type: http
    with: { url: "${calls.url}/call" }
`,
    );
    const runId = await startRun(server, "shutdown-abort");
    await eventually(async () => calls.requests[0], 5000, "the first request");

    // The engine stops while the store stays open, as when a worker leaves a shared database.
    await server.weft.engine.stop(50);
    await calls.requests[0]!.aborted;
    await eventually(async () => (server.weft.engine.runningAttempts === 0 ? true : undefined));

    const db = server.weft.store.db;
    const attempt = await db.selectFrom("attempts").select(["status", "error"]).execute();
    expect(attempt).toEqual([{ status: "running", error: null }]);
    const run = await db.selectFrom("runs").select("status").where("id", "=", runId).execute();
    expect(run).toEqual([{ status: "running" }]);
  });

  it("recovers an attempt whose lease ran out under another worker", async () => {
    const dataDir = makeDataDir();
    const { server } = await startServer(dataDir, { WEFT_LEASE_DURATION: "300ms" });
    const calls = await startService((_req, res, n) => {
      if (n > 1) sendJson(res, 200, { call: n });
    });
    const after = await startService((_req, res) => sendJson(res, 200, { after: true }));
    await applyYaml(
      server,
      `
name: lost-lease
steps:
  - id: call
    type: http
    with: { url: "${calls.url}/call" }
  - id: after
    type: http
    needs: [call]
    with: { url: "${after.url}/after" }
`,
    );
    const runId = await startRun(server, "lost-lease");
    await eventually(async () => calls.requests[0], 5000, "the first request");

    // As if the attempt belonged to a worker that died: its lease is expired and not ours.
    const moved = await server.weft.store.db
      .updateTable("attempts")
      .set({ lease_owner: "a-worker-that-died", lease_until: Date.now() - 1 })
      .where("run_id", "=", runId)
      .where("status", "=", "running")
      .executeTakeFirst();
    expect(moved.numUpdatedRows).toBe(1n);

    const run = await waitForRunEnd(server, runId);
    expect(run.status).toBe("succeeded");
    const [call, next] = run.steps;
    expect(call!.attempts.map((a) => [a.number, a.status])).toEqual([
      [1, "lost"],
      [2, "succeeded"],
    ]);
    expect(next!.attempts.map((a) => a.status)).toEqual(["succeeded"]);
    expect(after.requests).toHaveLength(1);
    // This process's copy of attempt 1 finds out it lost the lease and drops its request.
    await calls.requests[0]!.aborted;
    await eventually(async () => (server.weft.engine.runningAttempts === 0 ? true : undefined));

    const labels = eventLabels(await getEvents(server, runId));
    expect(countLabel(labels, "step:succeeded call")).toBe(1);
    expect(countLabel(labels, "step:succeeded after")).toBe(1);
    expect(countLabel(labels, "run:succeeded")).toBe(1);
  });
});

type RunStep = Awaited<ReturnType<typeof waitForRunEnd>>["steps"][number];
