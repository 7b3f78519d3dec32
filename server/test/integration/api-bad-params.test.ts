import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { countRows, expectProblem } from "../helpers/problem.ts";
import {
  applyYaml,
  startRun,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

/** Unknown ids, unknown routes and bad query parameters get a 4xx and change nothing. */

let server: TestServer;
let before: Awaited<ReturnType<typeof countRows>>;
let workflowId: string;

beforeAll(async () => {
  server = await startTestServer();
  workflowId = (
    await applyYaml(server, "name: ok\nsteps:\n  - { id: a, type: log, with: { message: hi } }\n")
  ).id;
  await waitForRunEnd(server, await startRun(server, "ok"));
});
afterAll(() => server.close());

// Every request here is refused, so the store must look the same after each test.
beforeEach(async () => {
  before = await countRows(server);
});
afterEach(async () => {
  expect(await countRows(server)).toEqual(before);
});

describe("unknown ids", () => {
  it.each([
    ["GET", "/api/v1/workflows/nope", 'workflow "nope" does not exist'],
    ["PUT", "/api/v1/workflows/nope", 'workflow "nope" does not exist'],
    ["GET", "/api/v1/workflows/nope/versions", 'workflow "nope" does not exist'],
    ["GET", "/api/v1/workflows/ok/versions/9", 'version "ok@9" does not exist'],
    ["POST", "/api/v1/workflows/nope/runs", 'workflow "nope" does not exist'],
    ["POST", "/api/v1/workflows/nope/archive", 'workflow "nope" does not exist'],
    ["GET", "/api/v1/runs/nope", 'run "nope" does not exist'],
    ["GET", "/api/v1/runs/nope/events", 'run "nope" does not exist'],
    ["POST", "/api/v1/runs/nope/cancel", 'run "nope" does not exist'],
    ["POST", "/api/v1/runs/nope/retry", 'run "nope" does not exist'],
    ["GET", "/api/v1/runs?workflow=nope", 'workflow "nope" does not exist'],
    ["DELETE", "/api/v1/tokens/nope", 'token "nope" does not exist'],
    [
      "POST",
      "/api/v1/users/nobody@example.test/disable",
      'user "nobody@example.test" does not exist',
    ],
    ["POST", "/api/v1/schedules/nope/schedule/pause", 'workflow "nope" does not exist'],
    ["POST", "/api/v1/schedules/ok/schedule/pause", 'schedule "ok/schedule" does not exist'],
  ])("%s %s answers 404", async (method, path, detail) => {
    const init: RequestInit & { json?: unknown } = { method };
    if (method === "PUT") init.json = { name: "ok", steps: [{ id: "a", type: "log" }] };
    const problem = await expectProblem(await server.api(path, init), 404, "not-found");
    expect(problem.detail).toBe(detail);
  });

  it("answers an unknown webhook trigger id with 404", async () => {
    const response = await server.api(`/api/v1/workflows/${workflowId}/triggers/nope/rotate`, {
      method: "POST",
    });
    const problem = await expectProblem(response, 404, "not-found");
    expect(problem.detail).toBe(`webhook trigger "${workflowId}/nope" does not exist`);
  });

  it("answers an unknown route with a 404 problem, inside and outside /api", async () => {
    const api = await expectProblem(await server.api("/api/v1/nothing"), 404, "not-found");
    expect(api.detail).toBe("no route GET /api/v1/nothing");
    const root = await expectProblem(await server.api("/nothing?x=1"), 404, "not-found");
    expect(root.detail).toBe("no route GET /nothing");
    expect(root.instance).toBe("/nothing");
  });
});

describe("malformed URLs", () => {
  it("answers a broken percent-encoding with a 400 problem", async () => {
    for (const path of ["/api/v1/runs/%E0%A4%A", "/hooks/%E0%A4%A/key"]) {
      const problem = await expectProblem(await server.api(path), 400, "bad-request");
      expect(problem.detail).toBe(`'${path}' is not a valid url component`);
    }
  });

  it("answers an over-long id with a 400 problem", async () => {
    const path = `/api/v1/workflows/${"x".repeat(120)}`;
    const problem = await expectProblem(await server.api(path), 400, "bad-request");
    expect(problem.detail).toBe(`'${path}' is exceeding the max param length`);
  });
});

describe("bad query parameters", () => {
  it.each([
    ["/api/v1/runs?status=bogus", "querystring.status"],
    ["/api/v1/runs?status=failed,bogus", "querystring.status"],
    ["/api/v1/runs?trigger=cron", "querystring.trigger"],
    ["/api/v1/runs?limit=0", "querystring.limit"],
    ["/api/v1/runs?limit=201", "querystring.limit"],
    ["/api/v1/runs?limit=ten", "querystring.limit"],
    ["/api/v1/runs?from=yesterday", "querystring.from"],
    ["/api/v1/runs?to=2026-13-01T00:00:00Z", "querystring.to"],
    ["/api/v1/workflows?archived=maybe", "querystring.archived"],
    ["/api/v1/workflows?limit=-1", "querystring.limit"],
    ["/api/v1/runs/x/events?after=-1", "querystring.after"],
    ["/api/v1/workflows/ok/versions/first", "params.version"],
  ])("GET %s answers 400 naming %s", async (path, param) => {
    const problem = await expectProblem(await server.api(path), 400, "bad-request");
    expect(problem.issues?.length).toBeGreaterThan(0);
    for (const issue of problem.issues!) expect(issue.path.startsWith(param)).toBe(true);
    expect(problem.detail.startsWith(`${param}`)).toBe(true);
  });

  it("names the ISO form expected of from", async () => {
    const problem = await expectProblem(
      await server.api("/api/v1/runs?from=yesterday"),
      400,
      "bad-request",
    );
    expect(problem.issues).toEqual([
      {
        path: "querystring.from",
        message: "must be an ISO 8601 instant like 2026-12-01T00:00:00Z",
      },
    ]);
  });
});
