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

const SECRET = "s3cr3t-value-123";

let server: TestServer;
let service: FakeService | undefined;

beforeAll(async () => {
  server = await startTestServer({
    env: { WEFT_HTTP_ALLOW_HOSTS: "127.0.0.1,localhost" },
    secrets: { API_KEY: SECRET },
  });
});
afterEach(async () => {
  await service?.close();
  service = undefined;
});
afterAll(() => server.close());

/** The run and its events exactly as the API sends them. */
async function readRunAndEvents(runId: string): Promise<{ runText: string; eventsText: string }> {
  const run = await server.api(`/api/v1/runs/${runId}`);
  const events = await server.api(`/api/v1/runs/${runId}/events`);
  return { runText: await run.text(), eventsText: await events.text() };
}

describe("secrets", () => {
  it("sends a secret to the service but never shows it in the run or its events", async () => {
    service = await startFakeService((req, res) =>
      sendJson(res, 200, { youSent: req.headers.authorization }),
    );
    await applyYaml(
      server,
      `
name: secret-header
steps:
  - id: call
    type: http
    with:
      url: "${service.url}/echo"
      headers: { Authorization: "Bearer {{ secrets.API_KEY }}" }
  - id: note
    type: log
    needs: [call]
    with: { message: "the service saw {{ steps.call.output.body.youSent }}" }
`,
    );
    const runId = await startRun(server, "secret-header");
    const run = await waitForRunEnd(server, runId);

    expect(run.status).toBe("succeeded");
    expect(service.requests[0]!.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(run.steps[0]!.output).toMatchObject({ body: { youSent: "Bearer [redacted]" } });
    expect(run.steps[1]!.output).toEqual({ message: "the service saw Bearer [redacted]" });
    // Each attempt keeps the input it ran on: expressions filled in, the secret masked.
    const [call, note] = run.steps as unknown as { attempts: { input: unknown }[] }[];
    expect(call!.attempts[0]!.input).toMatchObject({
      url: `${service.url}/echo`,
      headers: { Authorization: "Bearer [redacted]" },
    });
    expect(note!.attempts[0]!.input).toEqual({
      message: "the service saw Bearer [redacted]",
      level: "info",
    });

    const { runText, eventsText } = await readRunAndEvents(runId);
    expect(runText).not.toContain(SECRET);
    expect(eventsText).not.toContain(SECRET);
    expect(runText).toContain("[redacted]");
  });

  it("keeps the input that failed the step type's schema, with the secret masked", async () => {
    await applyYaml(
      server,
      "name: bad-until\nsteps:\n  - { id: d, type: delay, with: { until: '{{ secrets.API_KEY }}' } }\n",
    );
    const run = await waitForRunEnd(server, await startRun(server, "bad-until"));
    expect(run.status).toBe("failed");
    const [step] = run.steps as unknown as {
      error: { kind: string };
      attempts: { input: unknown }[];
    }[];
    expect(step!.error.kind).toBe("invalid-input");
    expect(step!.attempts[0]!.input).toEqual({ until: "[redacted]" });
    expect((await readRunAndEvents(run.id)).runText).not.toContain(SECRET);
  });

  it("masks a secret that reaches an error message, in the run and in its events", async () => {
    service = await startFakeService((_req, res) => sendJson(res, 500, { oops: true }));
    await applyYaml(
      server,
      `
name: secret-in-error
steps:
  - id: call
    type: http
    retry: { attempts: 2, backoff: fixed, initialDelay: 50ms, jitter: false }
    with: { url: "${service.url}/keys/{{ secrets.API_KEY }}" }
`,
    );
    const runId = await startRun(server, "secret-in-error");
    const run = await waitForRunEnd(server, runId);

    expect(run.status).toBe("failed");
    expect(service.requests[0]!.path).toBe(`/keys/${SECRET}`);
    const message = `GET ${service.url}/keys/[redacted] answered 500 Internal Server Error`;
    expect(run.error).toMatchObject({
      kind: "http-status",
      message: `step "call" failed: ${message}`,
    });
    expect(run.steps[0]!.error).toMatchObject({ message });

    const { runText, eventsText } = await readRunAndEvents(runId);
    expect(runText).not.toContain(SECRET);
    expect(eventsText).not.toContain(SECRET);
    const types = (await getEvents(server, runId)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["step:retrying", "step:failed", "run:failed"]));
  });

  it("masks a secret that a log step writes into its output and the timeline", async () => {
    await applyYaml(
      server,
      `
name: secret-logged
steps:
  - id: note
    type: log
    with: { message: "the key is {{ secrets.API_KEY }}", data: { key: "{{ secrets.API_KEY }}" } }
`,
    );
    const runId = await startRun(server, "secret-logged");
    const run = await waitForRunEnd(server, runId);

    expect(run.status).toBe("succeeded");
    expect(run.steps[0]!.output).toEqual({
      message: "the key is [redacted]",
      data: { key: "[redacted]" },
    });
    const log = (await getEvents(server, runId)).find((e) => e.type === "step:log");
    expect(log?.data).toEqual({
      message: "the key is [redacted]",
      level: "info",
      data: { key: "[redacted]" },
    });
    const { runText, eventsText } = await readRunAndEvents(runId);
    expect(runText).not.toContain(SECRET);
    expect(eventsText).not.toContain(SECRET);
  });
});
