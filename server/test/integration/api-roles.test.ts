import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRows, expectProblem } from "../helpers/problem.ts";
import {
  applyYaml,
  startRun,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

/** What viewers and editors may and may not do. */

let server: TestServer;
let viewer: string;
let editor: string;
let workflowId: string;
let runId: string;

const HOOKED = `
name: hooked
triggers:
  - type: webhook
steps:
  - id: wait
    type: delay
    with: { duration: 1h }
`;

beforeAll(async () => {
  server = await startTestServer();
  viewer = await server.tokenFor("viewer");
  editor = await server.tokenFor("editor");
  workflowId = (await applyYaml(server, HOOKED)).id;
  runId = await startRun(server, "hooked");
});
afterAll(() => server.close());

const as = (token: string, path: string, init: RequestInit & { json?: unknown } = {}) =>
  server.api(path, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
  });

const yamlBody = (name: string) => ({
  method: "POST",
  headers: { "content-type": "application/yaml" },
  body: `name: ${name}\nsteps:\n  - { id: a, type: log, with: { message: hi } }\n`,
});

describe("a viewer", () => {
  it.each([
    "/api/v1/workflows",
    "/api/v1/workflows/hooked",
    "/api/v1/workflows/hooked/versions",
    "/api/v1/runs",
    "/api/v1/schedules",
    "/api/v1/session",
  ])("may GET %s", async (path) => {
    expect((await as(viewer, path)).status).toBe(200);
  });

  it("may GET a run and its events", async () => {
    expect((await as(viewer, `/api/v1/runs/${runId}`)).status).toBe(200);
    expect((await as(viewer, `/api/v1/runs/${runId}/events`)).status).toBe(200);
  });

  it("may not save a workflow, and nothing is stored", async () => {
    const before = await countRows(server);
    const problem = await expectProblem(
      await as(viewer, "/api/v1/workflows", yamlBody("by-viewer")),
      403,
      "forbidden",
    );
    expect(problem.detail).toBe("this needs the editor role; you are viewer");
    expect(await countRows(server)).toEqual(before);
  });

  it("may not save a new version with PUT", async () => {
    const response = await as(viewer, `/api/v1/workflows/${workflowId}`, {
      ...yamlBody("hooked"),
      method: "PUT",
    });
    await expectProblem(response, 403, "forbidden");
  });

  it("may not start a run, and no run is stored", async () => {
    const before = await countRows(server);
    const response = await as(viewer, "/api/v1/workflows/hooked/runs", {
      method: "POST",
      json: { input: 1 },
    });
    const problem = await expectProblem(response, 403, "forbidden");
    expect(problem.detail).toBe("this needs the editor role; you are viewer");
    expect(await countRows(server)).toEqual(before);
  });

  it("may not cancel or retry a run, which stays as it was", async () => {
    const cancel = await as(viewer, `/api/v1/runs/${runId}/cancel`, { method: "POST" });
    await expectProblem(cancel, 403, "forbidden");
    const retry = await as(viewer, `/api/v1/runs/${runId}/retry`, { method: "POST" });
    await expectProblem(retry, 403, "forbidden");
    const run = (await (await server.api(`/api/v1/runs/${runId}`)).json()) as { status: string };
    expect(run.status).toBe("running");
  });

  it("may not archive a workflow, rotate its webhook key or pause a schedule", async () => {
    for (const path of [
      `/api/v1/workflows/${workflowId}/archive`,
      `/api/v1/workflows/${workflowId}/triggers/webhook/rotate`,
      `/api/v1/schedules/${workflowId}/schedule/pause`,
    ]) {
      await expectProblem(await as(viewer, path, { method: "POST" }), 403, "forbidden");
    }
  });

  it("does not see webhook URLs in a workflow", async () => {
    const response = await as(viewer, `/api/v1/workflows/${workflowId}`);
    const text = await response.text();
    const workflow = JSON.parse(text) as { triggers: Record<string, unknown>[] };
    expect(workflow.triggers).toEqual([{ id: "webhook", type: "webhook", verify: "token" }]);
    expect(text).not.toContain("/hooks/");
    expect(text).not.toContain("wfh_");
  });
});

describe("an editor", () => {
  it("may save a workflow and start and cancel its runs", async () => {
    const saved = await as(editor, "/api/v1/workflows", yamlBody("by-editor"));
    expect(saved.status).toBe(201);

    const started = await as(editor, "/api/v1/workflows/hooked/runs", {
      method: "POST",
      json: {},
    });
    expect(started.status).toBe(202);
    const { runId: own } = (await started.json()) as { runId: string };
    const cancel = await as(editor, `/api/v1/runs/${own}/cancel`, { method: "POST" });
    expect(cancel.status).toBe(202);
    expect((await waitForRunEnd(server, own)).status).toBe("cancelled");
  });

  it("sees the webhook URL of a workflow", async () => {
    const workflow = (await (await as(editor, `/api/v1/workflows/${workflowId}`)).json()) as {
      triggers: { url?: string }[];
    };
    expect(workflow.triggers[0]?.url).toMatch(
      new RegExp(`^${server.url}/hooks/${workflowId}/wfh_[\\w-]{43}$`),
    );
  });

  it.each([
    ["GET", "/api/v1/users"],
    ["POST", "/api/v1/users"],
    ["POST", "/api/v1/users/viewer1@example.test/disable"],
  ])("may not %s %s", async (method, path) => {
    const before = await countRows(server);
    const response = await as(editor, path, {
      method,
      json:
        method === "POST"
          ? { email: "new@example.test", password: "a-long-password", role: "admin" }
          : undefined,
    });
    const problem = await expectProblem(response, 403, "forbidden");
    expect(problem.detail).toBe("this needs the admin role; you are editor");
    expect(await countRows(server)).toEqual(before);
  });
});

describe("an admin", () => {
  it("may list and create users", async () => {
    const created = await server.api("/api/v1/users", {
      method: "POST",
      json: { email: "Made@Example.test", password: "a-long-password", role: "viewer" },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ email: "made@example.test", role: "viewer" });

    const list = (await (await server.api("/api/v1/users")).json()) as {
      items: { email: string }[];
    };
    expect(list.items.map((u) => u.email)).toContain("made@example.test");
    expect(JSON.stringify(list)).not.toContain("scrypt");
  });

  it("gets 409 for a user whose email is taken", async () => {
    const response = await server.api("/api/v1/users", {
      method: "POST",
      json: { email: "made@example.test", password: "a-long-password", role: "editor" },
    });
    const problem = await expectProblem(response, 409, "conflict");
    expect(problem.detail).toBe("a user with email made@example.test already exists");
  });
});
