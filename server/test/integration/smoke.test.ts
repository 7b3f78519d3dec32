import { afterAll, beforeAll, expect, it } from "vitest";
import {
  applyYaml,
  startRun,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it("runs a three-step workflow started by hand to success", async () => {
  await applyYaml(
    server,
    `
name: smoke
steps:
  - id: a
    type: transform
    with: { expression: 'trigger.input.n * 2' }
  - id: b
    type: transform
    needs: [a]
    with: { expression: 'steps.a.output + 1' }
  - id: c
    type: log
    needs: [b]
    with: { message: "b is {{ steps.b.output }}" }
`,
  );
  const runId = await startRun(server, "smoke", { n: 20 });
  const run = await waitForRunEnd(server, runId);
  expect(run.status).toBe("succeeded");
  expect(run.steps.map((s) => [s.id, s.status, s.output])).toEqual([
    ["a", "succeeded", 40],
    ["b", "succeeded", 41],
    ["c", "succeeded", { message: "b is 41" }],
  ]);
});
