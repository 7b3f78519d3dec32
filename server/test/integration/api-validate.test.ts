import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRows, expectProblem } from "../helpers/problem.ts";
import { startTestServer, type TestServer } from "../helpers/test-server.ts";

/**
 * POST /api/v1/workflows/validate checks without saving, and issues of a definition sent as
 * text carry the line and column of the node their path names, when checking and saving alike.
 */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const lines = (...rows: string[]) => `${rows.join("\n")}\n`;

const send = (path: string, body: string, type = "application/yaml", method = "POST") =>
  server.api(path, { method, headers: { "content-type": type }, body });

/** The issues the validate route answers for `text`, expecting a 422. */
async function issuesOf(text: string, type = "application/yaml") {
  const response = await send("/api/v1/workflows/validate", text, type);
  const problem = await expectProblem(response, 422, "validation-failed");
  return problem.issues ?? [];
}

describe("POST /api/v1/workflows/validate", () => {
  it("answers a valid definition with its name and step count, saving nothing", async () => {
    const before = await countRows(server);
    const text = lines(
      "name: checked",
      "steps:",
      "  - { id: a, type: log, with: { message: hi } }",
      "  - { id: b, type: log, needs: [a], with: { message: there } }",
    );
    const response = await send("/api/v1/workflows/validate", text);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ valid: true, name: "checked", steps: 2 });

    expect(await countRows(server)).toEqual(before);
    const list = (await (await server.api("/api/v1/workflows")).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
  });

  it("takes a JSON object too, whose issues have no positions", async () => {
    const response = await server.api("/api/v1/workflows/validate", {
      method: "POST",
      json: { name: "j", steps: [{ id: "a", type: "nope" }] },
    });
    const problem = await expectProblem(response, 422, "validation-failed");
    expect(problem.issues).toEqual([
      { path: "steps[0].type", message: expect.stringMatching(/^"nope" is not a step type/) },
    ]);
  });

  it("refuses a viewer with 403", async () => {
    const token = await server.tokenFor("viewer");
    const response = await server.api("/api/v1/workflows/validate", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/yaml" },
      body: "name: a\nsteps: [{ id: a, type: log, with: { message: hi } }]\n",
    });
    await expectProblem(response, 403, "forbidden");
  });
});

describe("issue positions", () => {
  it("places a wrong type inside a step at the value, with its end", async () => {
    const text = lines(
      "name: typed",
      "steps:",
      "  - id: first",
      "    type: log",
      "    with: { message: hi }",
      "  - id: fetch",
      "    type: http",
      "    with:",
      "      url: 42",
    );
    expect(await issuesOf(text)).toEqual([
      {
        path: "steps[1].with.url",
        message: expect.stringContaining("expected string"),
        line: 9,
        column: 12,
        endLine: 9,
        endColumn: 14,
      },
    ]);
  });

  it("places an unknown key at the key", async () => {
    const text = lines(
      "name: unknown-key",
      "steps:",
      "  - id: a",
      "    type: log",
      "    colour: blue",
      "    with: { message: hi }",
    );
    expect(await issuesOf(text)).toEqual([
      {
        path: "steps[0].colour",
        message: 'Unrecognized key: "colour"',
        line: 5,
        column: 5,
        endLine: 5,
        endColumn: 11,
      },
    ]);
  });

  it("places a missing required key at its parent mapping", async () => {
    const text = lines("name: missing", "steps:", "  - id: a", "    with: { message: hi }");
    const [issue] = await issuesOf(text);
    expect(issue).toMatchObject({ path: "steps[0].type", line: 3, column: 5 });
    expect(issue).not.toHaveProperty("endLine");
  });

  it("places a cycle in needs at the needs of its first step", async () => {
    const text = lines(
      "name: loop",
      "steps:",
      "  - id: a",
      "    type: log",
      "    with: { message: a }",
      "  - id: b",
      "    type: log",
      "    needs: [c]",
      "    with: { message: b }",
      "  - id: c",
      "    type: log",
      "    needs: [b]",
      "    with: { message: c }",
    );
    const issues = await issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.message).toMatch(/^steps form a cycle: /);
    const line = issues[0]!.path === "steps[1].needs" ? 8 : 12;
    expect(issues[0]).toMatchObject({ line, column: 12 });
  });

  it("places a bad cron at the cron value", async () => {
    const text = lines(
      "name: cron",
      "triggers:",
      "  - type: manual",
      "  - type: schedule",
      '    cron: "61 * * * *"',
      "steps:",
      "  - { id: a, type: log, with: { message: hi } }",
    );
    const [issue] = await issuesOf(text);
    expect(issue).toMatchObject({ path: "triggers[1].cron", line: 5, column: 11, endColumn: 23 });
  });

  it("gives a YAML syntax error its line and column as numbers", async () => {
    const text = lines("name: bad", "steps:", "  - id: a", "    type: log", "   with: {}");
    expect(await issuesOf(text)).toEqual([
      {
        path: "line 5, column 1",
        message: "Sequence item without - indicator",
        line: 5,
        column: 1,
      },
    ]);
  });

  it("places issues in JSON sent as text", async () => {
    const json = JSON.stringify(
      { name: "json-text", steps: [{ id: "a", type: "log", with: { message: "hi" }, x: 1 }] },
      null,
      2,
    );
    const issues = await issuesOf(json, "application/yaml");
    const rows = json.split("\n");
    const line = rows.findIndex((row) => row.includes('"x"')) + 1;
    const column = rows[line - 1]!.indexOf('"x"') + 1;
    expect(issues).toEqual([
      {
        path: "steps[0].x",
        message: 'Unrecognized key: "x"',
        ...{ line, column, endLine: line, endColumn: column + 3 },
      },
    ]);
  });

  it("gives a JSON syntax error its position when sent as a JSON string", async () => {
    const body = JSON.stringify('{\n  "name": "broken",\n  "steps": [,]\n}');
    const issues = await issuesOf(body, "application/json");
    expect(issues).toEqual([
      { path: "", message: expect.stringMatching(/^invalid JSON: /), line: 3, column: 13 },
    ]);
  });

  it("places the issues that saving answers too, and saves nothing", async () => {
    const before = await countRows(server);
    const text = lines("name: saved", "steps:", "  - id: a", "    type: nope");
    const problem = await expectProblem(
      await send("/api/v1/workflows", text),
      422,
      "validation-failed",
    );
    expect(problem.issues).toMatchObject([{ path: "steps[0].type", line: 4, column: 11 }]);
    expect(await countRows(server)).toEqual(before);
  });
});
