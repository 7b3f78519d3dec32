import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyYaml,
  type RunView,
  startRun,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

/** Eighty ten-million-element ranges: about 6 GB if it were allowed to finish. */
const RANGE_BOMB = `$count([${Array(80).fill("[1..10000000]").join(",")}])`;
const LIMIT_MESSAGES = [
  "the expression used more than 256 MB",
  "the expression ran longer than 1000ms",
];

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

/** Runs `workflow` to its end while polling /healthz; every poll must be answered with 200. */
async function runWhilePolling(workflow: string): Promise<{ run: RunView; polls: number[] }> {
  const runId = await startRun(server, workflow);
  const polls: number[] = [];
  let ended = false;
  const polling = (async () => {
    while (!ended) polls.push((await fetch(`${server.url}/healthz`)).status);
  })();
  try {
    return { run: await waitForRunEnd(server, runId, 30_000), polls };
  } finally {
    ended = true;
    await polling;
  }
}

function expectContained(step: RunView["steps"][number] | undefined) {
  expect(step?.status).toBe("failed");
  expect(step?.error?.kind).toBe("expression-limit");
  expect(LIMIT_MESSAGES).toContain(step?.error?.message);
  // Not retried though the step allows it: the same expression would only fail the same way.
  expect(step?.attempts).toHaveLength(1);
}

describe("expressions that allocate without bound", () => {
  it("fail a transform step while the server keeps answering, and later runs succeed", async () => {
    await applyYaml(
      server,
      `
name: bomb-transform
steps:
  - id: bomb
    type: transform
    retry: { attempts: 3, backoff: fixed, initialDelay: 10ms, jitter: false }
    with: { expression: '${RANGE_BOMB}' }
`,
    );
    await applyYaml(
      server,
      `
name: plain-transform
steps:
  - id: shape
    type: transform
    with: { expression: '{ "sum": $sum(trigger.input.values), "version": run.version }' }
  - id: say
    type: log
    needs: [shape]
    with: { message: 'sum is {{ steps.shape.output.sum }}' }
`,
    );

    const { run, polls } = await runWhilePolling("bomb-transform");
    expect(run.status).toBe("failed");
    expectContained(run.steps[0]);
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.every((status) => status === 200)).toBe(true);

    const after = await waitForRunEnd(
      server,
      await startRun(server, "plain-transform", { values: [1, 2, 3] }),
    );
    expect(after.status).toBe("succeeded");
    expect(after.steps[0]!.output).toEqual({ sum: 6, version: 1 });
    expect(after.steps[1]!.output).toEqual({ message: "sum is 6" });
  });

  it("fail a log step whose with.message template holds one", async () => {
    await applyYaml(
      server,
      `
name: bomb-template
steps:
  - id: say
    type: log
    retry: { attempts: 3, backoff: fixed, initialDelay: 10ms, jitter: false }
    with: { message: 'count: {{ ${RANGE_BOMB} }}' }
`,
    );
    const { run, polls } = await runWhilePolling("bomb-template");
    expect(run.status).toBe("failed");
    expectContained(run.steps[0]);
    expect(polls.every((status) => status === 200)).toBe(true);
  });

  it("fail a step whose if condition holds one", async () => {
    await applyYaml(
      server,
      `
name: bomb-if
steps:
  - id: maybe
    type: log
    if: '${RANGE_BOMB} > 0'
    retry: { attempts: 3, backoff: fixed, initialDelay: 10ms, jitter: false }
    with: { message: never }
`,
    );
    const { run, polls } = await runWhilePolling("bomb-if");
    expect(run.status).toBe("failed");
    expectContained(run.steps[0]);
    expect(polls.every((status) => status === 200)).toBe(true);
  });

  it("still reports ordinary expression errors as expression errors", async () => {
    await applyYaml(
      server,
      `
name: bad-call
steps:
  - id: bad
    type: transform
    with: { expression: '$number("not a number") + $substring(1)' }
`,
    );
    const run = await waitForRunEnd(server, await startRun(server, "bad-call"));
    expect(run.steps[0]!.error?.kind).toBe("expression");
    expect(run.steps[0]!.error?.message).toMatch(/^cannot evaluate expression/);
  });
});

it("stopping the engine terminates its expression workers", async () => {
  const own = await startTestServer();
  try {
    await applyYaml(
      own,
      `
name: warm
steps:
  - id: t
    type: transform
    with: { expression: '$sum([1, 1])' }
`,
    );
    const run = await waitForRunEnd(own, await startRun(own, "warm"));
    expect(run.steps[0]!.output).toBe(2);
    expect(own.weft.engine.expressions.workerCount).toBeGreaterThan(0);
  } finally {
    await own.close();
  }
  expect(own.weft.engine.expressions.workerCount).toBe(0);
});
