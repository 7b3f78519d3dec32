import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeService, startFakeService } from "../helpers/fake-service.ts";
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
  server = await startTestServer({ env: { WEFT_MAX_OUTPUT_BYTES: "2048" } });
});
afterEach(async () => {
  await service?.close();
  service = undefined;
});
afterAll(() => server.close());

/** 10,000 characters: "0123456789" a thousand times. */
const BIG = "0123456789".repeat(1000);

describe("output capping", () => {
  it("stores a marker instead of an output past WEFT_MAX_OUTPUT_BYTES", async () => {
    await applyYaml(
      server,
      `
name: big-output
steps:
  - id: big
    type: transform
    with: { expression: '$join([1..1000].("0123456789"))' }
  - id: size
    type: transform
    needs: [big]
    with: { expression: 'steps.big.output.bytes' }
`,
    );
    const run = await waitForRunEnd(server, await startRun(server, "big-output"));

    expect(run.status).toBe("succeeded");
    const json = JSON.stringify(BIG);
    const marker = { $truncated: true, bytes: json.length, preview: json.slice(0, 1024) };
    expect(run.steps[0]!.output).toEqual(marker);
    expect(marker.bytes).toBe(10_002);
    // Later steps see what was stored, not the full value.
    expect(run.steps[1]!.output).toBe(10_002);
    expect(run.output).toEqual({ size: 10_002 });
  });

  it("caps a large http response body the same way", async () => {
    service = await startFakeService((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(BIG);
    });
    await applyYaml(
      server,
      `
name: big-response
steps:
  - id: fetch
    type: http
    with: { url: "${service.url}/big" }
`,
    );
    const run = await waitForRunEnd(server, await startRun(server, "big-response"));

    expect(run.status).toBe("succeeded");
    const output = run.steps[0]!.output as { $truncated: boolean; bytes: number; preview: string };
    expect(output.$truncated).toBe(true);
    expect(output.bytes).toBeGreaterThan(10_000);
    expect(output.preview).toHaveLength(1024);
    expect(output.preview.startsWith('{"status":200,')).toBe(true);
    expect(run.output).toEqual({ fetch: output });
  });

  it("keeps an output at the limit whole", async () => {
    // A JSON string of 2,046 characters plus its two quotes is exactly 2,048 bytes.
    await applyYaml(
      server,
      `
name: limit-output
steps:
  - id: edge
    type: transform
    with: { expression: '$pad("", 2046, "x")' }
`,
    );
    const run = await waitForRunEnd(server, await startRun(server, "limit-output"));

    expect(run.status).toBe("succeeded");
    expect(run.steps[0]!.output).toBe("x".repeat(2046));
  });
});

describe("runaway expressions", () => {
  it("stops an endless recursion at its time limit and keeps serving", async () => {
    await applyYaml(
      server,
      `
name: runaway
steps:
  - id: forever
    type: transform
    with: { expression: '($f := function($x){ $f($x) }; $f(1))' }
  - id: after
    type: log
    needs: [forever]
    with: { message: never }
`,
    );
    const run = await waitForRunEnd(server, await startRun(server, "runaway"));

    expect(run.status).toBe("failed");
    const [forever, after] = run.steps;
    const error = {
      kind: "expression",
      message: "expression exceeded its time limit of 250ms",
      retryable: false,
    };
    expect(forever!.status).toBe("failed");
    expect(forever!.attempts.map((a) => [a.status, a.error])).toEqual([["failed", error]]);
    expect(forever!.error).toEqual(error);
    expect(after!.status).toBe("cancelled");
    expect(run.error).toEqual({ ...error, message: `step "forever" failed: ${error.message}` });

    const health = await server.api("/healthz");
    expect(health.status).toBe(200);
    await applyYaml(
      server,
      `
name: after-runaway
steps:
  - id: quick
    type: transform
    with: { expression: '1 + 1' }
`,
    );
    const next = await waitForRunEnd(server, await startRun(server, "after-runaway"));
    expect(next.status).toBe("succeeded");
    expect(next.steps[0]!.output).toBe(2);
  });
});
