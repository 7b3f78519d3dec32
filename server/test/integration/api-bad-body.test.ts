import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { countRows, expectNoStack, expectProblem } from "../helpers/problem.ts";
import {
  applyYaml,
  startRun,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

/** Bad bodies get the right 4xx, a problem document, and change nothing in the store. */

let server: TestServer;
let before: Awaited<ReturnType<typeof countRows>>;

beforeAll(async () => {
  server = await startTestServer({ env: { WEFT_MAX_BODY_BYTES: "4096" } });
  await applyYaml(server, "name: ok\nsteps:\n  - { id: a, type: log, with: { message: hi } }\n");
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

const send = (path: string, contentType: string | undefined, body: string | Buffer) =>
  server.api(path, {
    method: "POST",
    headers: contentType ? { "content-type": contentType } : {},
    body,
  });

describe("saving a workflow", () => {
  it("answers malformed JSON with 400", async () => {
    const problem = await expectProblem(
      await send("/api/v1/workflows", "application/json", '{"name": "x", steps: ['),
      400,
      "bad-request",
    );
    expect(problem.detail).toBe(
      "Body is not valid JSON but content-type is set to 'application/json'",
    );
  });

  it("answers an empty JSON body with 400", async () => {
    const problem = await expectProblem(
      await send("/api/v1/workflows", "application/json", ""),
      400,
      "bad-request",
    );
    expect(problem.detail).toBe(
      "Body cannot be empty when content-type is set to 'application/json'",
    );
  });

  it("answers a JSON null with 400 that says what to send", async () => {
    const problem = await expectProblem(
      await send("/api/v1/workflows", "application/json", "null"),
      400,
      "bad-request",
    );
    expect(problem.detail).toBe("send the definition as application/json or application/yaml");
  });

  it("answers a JSON array with 422 at the root", async () => {
    const problem = await expectProblem(
      await send("/api/v1/workflows", "application/json", "[]"),
      422,
      "validation-failed",
    );
    expect(problem.issues).toEqual([
      { path: "", message: "Invalid input: expected object, received array" },
    ]);
  });

  it("answers malformed YAML with 422 naming the line and column", async () => {
    const yaml = "name: bad\nsteps:\n  - id: a\n    type: log\n   with: { message: hi }\n";
    const problem = await expectProblem(
      await send("/api/v1/workflows", "application/yaml", yaml),
      422,
      "validation-failed",
    );
    expect(problem.issues).toHaveLength(1);
    expect(problem.issues).toEqual([
      {
        path: "line 5, column 1",
        message: "Sequence item without - indicator",
        line: 5,
        column: 1,
      },
    ]);
    expect(problem.detail).toBe("line 5, column 1: Sequence item without - indicator");
  });

  it("answers an unclosed YAML flow map with 422 naming where", async () => {
    const yaml = "name: bad\nsteps: [ { id: a, type: log\n";
    const problem = await expectProblem(
      await send("/api/v1/workflows", "text/yaml", yaml),
      422,
      "validation-failed",
    );
    expect(problem.issues).toEqual([
      {
        path: "line 3, column 1",
        message: "Flow map in block collection must be sufficiently indented and end with a }",
        line: 3,
        column: 1,
      },
    ]);
  });

  it("answers a YAML alias bomb with 422 that speaks of YAML, not JSON", async () => {
    const yaml = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "name: bomb",
      "steps: [*d]",
    ].join("\n");
    const problem = await expectProblem(
      await send("/api/v1/workflows", "application/yaml", yaml),
      422,
      "validation-failed",
    );
    expect(problem.issues).toEqual([
      {
        path: "",
        message: "invalid YAML: Excessive alias count indicates a resource exhaustion attack",
      },
    ]);
  });

  it("answers YAML with a duplicate key with 422", async () => {
    const yaml = "name: a\nname: b\nsteps:\n  - { id: a, type: log, with: { message: hi } }\n";
    const problem = await expectProblem(
      await send("/api/v1/workflows", "application/yaml", yaml),
      422,
      "validation-failed",
    );
    expect(problem.issues).toEqual([
      { path: "line 2, column 1", message: "Map keys must be unique", line: 2, column: 1 },
    ]);
  });

  it("answers a wrong content type with 415", async () => {
    const problem = await expectProblem(
      await send("/api/v1/workflows", "text/csv", "name,steps\nx,y\n"),
      415,
      "unsupported-media-type",
    );
    expect(problem.detail).toBe('POST /api/v1/workflows does not take content type "text/csv"');
  });

  it("answers a body without a content type with 415", async () => {
    const problem = await expectProblem(
      await send("/api/v1/workflows", undefined, Buffer.from("name: x")),
      415,
      "unsupported-media-type",
    );
    expect(problem.detail).toBe("POST /api/v1/workflows needs a content-type header");
  });

  it("answers no body at all with 400 that says what to send", async () => {
    const problem = await expectProblem(
      await server.api("/api/v1/workflows", { method: "POST" }),
      400,
      "bad-request",
    );
    expect(problem.detail).toBe("send the definition as application/json or application/yaml");
  });

  it("answers a body over WEFT_MAX_BODY_BYTES with 413", async () => {
    const big = JSON.stringify({ name: "big", description: "x".repeat(5000), steps: [] });
    const problem = await expectProblem(
      await send("/api/v1/workflows", "application/json", big),
      413,
      "payload-too-large",
    );
    expect(problem.detail).toBe(
      "the body is larger than the limit of 4096 bytes (WEFT_MAX_BODY_BYTES)",
    );
    const yaml = `name: big\ndescription: ${"y".repeat(5000)}\n`;
    await expectProblem(
      await send("/api/v1/workflows", "application/yaml", yaml),
      413,
      "payload-too-large",
    );
  });

  it("answers a JSON body with __proto__ with 400", async () => {
    const json = '{"name":"p","__proto__":{"x":1},"steps":[]}';
    await expectProblem(
      await send("/api/v1/workflows", "application/json", json),
      400,
      "bad-request",
    );
  });
});

describe("bad run start bodies", () => {
  it("refuses a run start with an unknown key in its body", async () => {
    const response = await server.api("/api/v1/workflows/ok/runs", {
      method: "POST",
      json: { input: 1, priority: "high" },
    });
    const problem = await expectProblem(response, 400, "bad-request");
    expect(problem.issues).toEqual([{ path: "body", message: 'Unrecognized key: "priority"' }]);
  });

  it("refuses a run start with a CSV body with 415", async () => {
    const response = await send("/api/v1/workflows/ok/runs", "text/csv", "go");
    await expectProblem(response, 415, "unsupported-media-type");
  });
});

describe("no answer is a 500", () => {
  it.each([
    ["POST", "/api/v1/workflows", "application/json", "{"],
    ["POST", "/api/v1/workflows", "application/json", '"just a string"'],
    ["POST", "/api/v1/workflows", "application/json", "42"],
    ["POST", "/api/v1/workflows", "application/yaml", ""],
    ["POST", "/api/v1/workflows", "application/yaml", "- just\n- a list\n"],
    ["POST", "/api/v1/workflows", "application/yaml", "name: x\nsteps: 7\n"],
    ["POST", "/api/v1/workflows", "application/yaml", "\t\u0000"],
    ["POST", "/api/v1/workflows/ok/runs", "application/json", "[1]"],
    ["POST", "/api/v1/session", "application/json", '{"email":1}'],
    ["POST", "/api/v1/setup", "application/yaml", "email: a"],
    ["PUT", "/api/v1/workflows/ok", "application/json", '{"name":"renamed"}'],
  ])("%s %s as %s %j answers a 4xx problem", async (method, path, type, body) => {
    const response = await server.api(path, { method, headers: { "content-type": type }, body });
    const text = await response.text();
    expect(response.status, text).toBeGreaterThanOrEqual(400);
    expect(response.status, text).toBeLessThan(500);
    expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expectNoStack(text);
  });
});
