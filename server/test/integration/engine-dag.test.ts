import type { ServerResponse } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeService, sendJson, startFakeService } from "../helpers/fake-service.ts";
import { eventLabels, getEvents } from "../helpers/run-events.ts";
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

describe("steps as a DAG", () => {
  it("runs parallel branches after their common need and joins them", async () => {
    // Answers nothing until both branches have called: only parallel branches get through.
    const waiting: { res: ServerResponse; path: string }[] = [];
    service = await startFakeService((req, res) => {
      waiting.push({ res, path: req.path });
      if (waiting.length < 2) return;
      for (const w of waiting) sendJson(w.res, 200, { from: w.path.slice(1) });
    });
    await applyYaml(
      server,
      `
name: diamond
steps:
  - id: a
    type: transform
    with: { expression: 'trigger.input.n' }
  - id: b
    type: http
    needs: [a]
    timeout: 5s
    with: { url: "${service.url}/b", query: { n: "{{ steps.a.output }}" } }
  - id: c
    type: http
    needs: [a]
    timeout: 5s
    with: { url: "${service.url}/c" }
  - id: d
    type: transform
    needs: [b, c]
    with: { expression: '{ "b": steps.b.output.body.from, "c": steps.c.output.body.from }' }
`,
    );
    const runId = await startRun(server, "diamond", { n: 7 });
    const run = await waitForRunEnd(server, runId);

    expect(run.status).toBe("succeeded");
    expect(run.steps.map((s) => [s.id, s.status, s.attempts.length])).toEqual([
      ["a", "succeeded", 1],
      ["b", "succeeded", 1],
      ["c", "succeeded", 1],
      ["d", "succeeded", 1],
    ]);
    expect(run.steps[3]!.output).toEqual({ b: "b?n=7", c: "c" });
    expect(run.output).toEqual({ d: { b: "b?n=7", c: "c" } });
    expect(service.requests.map((r) => r.path).sort()).toEqual(["/b?n=7", "/c"]);

    const labels = eventLabels(await getEvents(server, runId));
    expect(labels.indexOf("step:started b")).toBeGreaterThan(labels.indexOf("step:succeeded a"));
    expect(labels.indexOf("step:started c")).toBeGreaterThan(labels.indexOf("step:succeeded a"));
    const dStarted = labels.indexOf("step:started d");
    expect(dStarted).toBeGreaterThan(labels.indexOf("step:succeeded b"));
    expect(dStarted).toBeGreaterThan(labels.indexOf("step:succeeded c"));
  });

  it("skips a step whose if is false and every step that needs only skipped steps", async () => {
    await applyYaml(
      server,
      `
name: branches
steps:
  - id: a
    type: transform
    with: { expression: '"from a"' }
  - id: maybe
    type: transform
    needs: [a]
    if: trigger.input.go
    with: { expression: '"ran"' }
  - id: onlyAfterMaybe
    type: transform
    needs: [maybe]
    with: { expression: '"should not run"' }
  - id: afterSkipped
    type: transform
    needs: [onlyAfterMaybe]
    with: { expression: '"should not run either"' }
  - id: mixed
    type: transform
    needs: [maybe, a]
    with: { expression: 'steps.maybe.status & " / " & steps.a.output' }
`,
    );
    const runId = await startRun(server, "branches", { go: false });
    const run = await waitForRunEnd(server, runId);

    expect(run.status).toBe("succeeded");
    expect(run.steps.map((s) => [s.id, s.status, s.output])).toEqual([
      ["a", "succeeded", "from a"],
      ["maybe", "skipped", null],
      ["onlyAfterMaybe", "skipped", null],
      ["afterSkipped", "skipped", null],
      ["mixed", "succeeded", "skipped / from a"],
    ]);
    // The if is evaluated by an attempt; the steps skipped for their needs never get one.
    expect(run.steps.map((s) => s.attempts.length)).toEqual([1, 1, 0, 0, 1]);
    expect(run.output).toEqual({ mixed: "skipped / from a" });

    const skipped = (await getEvents(server, runId)).filter((e) => e.type === "step:skipped");
    expect(skipped.map((e) => [e.stepId, e.data?.reason])).toEqual([
      ["maybe", "its if condition was false"],
      ["onlyAfterMaybe", "every step it needs was skipped"],
      ["afterSkipped", "every step it needs was skipped"],
    ]);
  });

  it("runs the step when its if is true", async () => {
    const runId = await startRun(server, "branches", { go: true });
    const run = await waitForRunEnd(server, runId);

    expect(run.status).toBe("succeeded");
    expect(run.steps.map((s) => [s.id, s.status, s.output])).toEqual([
      ["a", "succeeded", "from a"],
      ["maybe", "succeeded", "ran"],
      ["onlyAfterMaybe", "succeeded", "should not run"],
      ["afterSkipped", "succeeded", "should not run either"],
      ["mixed", "succeeded", "succeeded / from a"],
    ]);
  });

  it("ends a run whose every step was skipped as succeeded with an empty output", async () => {
    await applyYaml(
      server,
      `
name: all-skipped
steps:
  - id: first
    type: transform
    if: "false"
    with: { expression: '1' }
  - id: second
    type: transform
    needs: [first]
    with: { expression: '2' }
`,
    );
    const run = await waitForRunEnd(server, await startRun(server, "all-skipped"));

    expect(run.status).toBe("succeeded");
    expect(run.steps.map((s) => s.status)).toEqual(["skipped", "skipped"]);
    expect(run.output).toEqual({});
  });
});
