import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRows, expectProblem } from "../helpers/problem.ts";
import {
  startRun,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

/** Saving a definition again: unchanged, a new version, pinned runs, PUT, archive. */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** A definition whose one step outputs `label`, optionally behind a short delay. */
const definition = (label: string, delay = false) =>
  [
    "name: versioned",
    "tags: [billing]",
    "triggers:",
    "  - type: webhook",
    "steps:",
    ...(delay ? ["  - id: pause", "    type: delay", "    with: { duration: 300ms }"] : []),
    "  - id: out",
    "    type: transform",
    ...(delay ? ["    needs: [pause]"] : []),
    `    with: { expression: '"${label}"' }`,
    "",
  ].join("\n");

interface Saved {
  change: string;
  workflow: { id: string; version: number; triggers: { url?: string }[] };
}

const save = async (yaml: string, path = "/api/v1/workflows", method = "POST") => {
  const response = await server.api(path, {
    method,
    headers: { "content-type": "application/yaml" },
    body: yaml,
  });
  return { status: response.status, body: (await response.json()) as Saved };
};

const getJson = async <T>(path: string) => (await (await server.api(path)).json()) as T;

describe("versions", () => {
  let id: string;
  let oldRun: string;

  it("creates a workflow with 201 and version 1", async () => {
    const { status, body } = await save(definition("v1", true));
    expect(status).toBe(201);
    expect(body.change).toBe("created");
    expect(body.workflow.version).toBe(1);
    id = body.workflow.id;
  });

  it("answers the same definition again with unchanged, storing nothing", async () => {
    const before = await countRows(server);
    const { status, body } = await save(definition("v1", true));
    expect(status).toBe(200);
    expect(body.change).toBe("unchanged");
    expect(body.workflow.version).toBe(1);
    expect(await countRows(server)).toEqual(before);
  });

  it("treats the same definition in JSON as unchanged too", async () => {
    const json = {
      name: "versioned",
      tags: ["billing"],
      triggers: [{ type: "webhook" }],
      steps: [
        { id: "pause", type: "delay", with: { duration: "300ms" } },
        { id: "out", type: "transform", needs: ["pause"], with: { expression: '"v1"' } },
      ],
    };
    const response = await server.api("/api/v1/workflows", { method: "POST", json });
    expect(((await response.json()) as Saved).change).toBe("unchanged");
  });

  it("pins a run started before a change to version 1, and runs it as version 1", async () => {
    oldRun = await startRun(server, id);
    const hookBefore = (await getJson<Saved["workflow"]>(`/api/v1/workflows/${id}`)).triggers[0];

    const { status, body } = await save(definition("v2"));
    expect(status).toBe(200);
    expect(body.change).toBe("versioned");
    expect(body.workflow.version).toBe(2);
    expect(body.workflow.triggers[0]?.url).toBe(hookBefore?.url);

    const old = await waitForRunEnd(server, oldRun);
    expect(old).toMatchObject({ version: 1, status: "succeeded", output: { out: "v1" } });
    expect(old.steps.map((s) => s.id)).toEqual(["pause", "out"]);

    const fresh = await waitForRunEnd(server, await startRun(server, id));
    expect(fresh).toMatchObject({ version: 2, status: "succeeded", output: { out: "v2" } });
    expect(fresh.steps.map((s) => s.id)).toEqual(["out"]);
  });

  it("saves a new version with PUT, and PUT of the same one is unchanged", async () => {
    const { status, body } = await save(definition("v3"), `/api/v1/workflows/${id}`, "PUT");
    expect(status).toBe(200);
    expect(body).toMatchObject({ change: "versioned", workflow: { id, version: 3 } });

    const again = await save(definition("v3"), `/api/v1/workflows/${id}`, "PUT");
    expect(again.body).toMatchObject({ change: "unchanged", workflow: { version: 3 } });
  });

  it("lists every version, newest first, and reads each one", async () => {
    type Version = { version: number; createdBy: string; createdByEmail: string };
    const list = await getJson<{ items: Version[] }>(`/api/v1/workflows/${id}/versions`);
    expect(list.items.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(new Set(list.items.map((v) => v.createdBy)).size).toBe(1);
    expect(list.items[0]!.createdByEmail).toMatch(/^admin\d+@example\.test$/);

    const first = await getJson<{ version: number; source: string; definition: unknown }>(
      `/api/v1/workflows/versioned/versions/1`,
    );
    expect(first.version).toBe(1);
    expect(first.source).toBe(definition("v1", true));
    expect(first.definition).toMatchObject({ steps: [{ id: "pause" }, { id: "out" }] });
  });

  it("refuses a PUT that renames onto another workflow's name with 409", async () => {
    await save("name: other\nsteps:\n  - { id: a, type: log, with: { message: hi } }\n");
    const before = await countRows(server);
    const renamed = definition("v4").replace("name: versioned", "name: other");
    const { status, body } = await save(renamed, `/api/v1/workflows/${id}`, "PUT");
    expect(status).toBe(409);
    expect((body as unknown as { detail: string }).detail).toBe(
      'another workflow is already named "other"',
    );
    expect(await countRows(server)).toEqual(before);
  });

  it("refuses an invalid new version with 422 and keeps the current one", async () => {
    const bad = definition("v4").replace("type: transform", "type: nope");
    const response = await server.api(`/api/v1/workflows/${id}`, {
      method: "PUT",
      headers: { "content-type": "application/yaml" },
      body: bad,
    });
    const problem = await expectProblem(response, 422, "validation-failed");
    expect(problem.issues?.map((i) => i.path)).toEqual(["steps[0].type"]);
    expect((await getJson<{ version: number }>(`/api/v1/workflows/${id}`)).version).toBe(3);
  });

  it("saves over the version If-Match names only, and refuses a stale one with 412", async () => {
    const put = (yaml: string, ifMatch: string) =>
      server.api(`/api/v1/workflows/${id}`, {
        method: "PUT",
        headers: { "content-type": "application/yaml", "if-match": ifMatch },
        body: yaml,
      });
    // Two editors both opened version 3; the first to save wins.
    const first = await put(definition("from the first tab"), '"3"');
    expect(first.status).toBe(200);
    expect(((await first.json()) as Saved).workflow.version).toBe(4);

    const before = await countRows(server);
    const second = await put(definition("from the second tab"), '"3"');
    const problem = await expectProblem(second, 412, "precondition-failed");
    expect(problem.detail).toBe(
      'workflow "versioned" is at version 4, not 3: it was saved meanwhile; ' +
        "load it again and redo the change there",
    );
    expect(await countRows(server)).toEqual(before);
    const current = await getJson<{ version: number }>(`/api/v1/workflows/${id}/versions/4`);
    expect(JSON.stringify(current)).toContain("from the first tab");

    // GET names the current version as its entity tag; a bare number names it too and `*`
    // matches any; a weak tag never matches; nonsense is a 400 naming the header.
    const current4 = await server.api(`/api/v1/workflows/${id}`);
    expect(current4.headers.get("etag")).toBe('"4"');
    await expectProblem(await put(definition("weak"), 'W/"4"'), 412, "precondition-failed");
    expect((await put(definition("third"), "4")).status).toBe(200);
    expect((await put(definition("fourth"), "*")).status).toBe(200);
    const bad = await put(definition("fifth"), "latest");
    const badProblem = await expectProblem(bad, 400, "bad-request");
    expect(badProblem.detail).toMatch(/^headers\.if-match: must be the version being edited/);
  });

  it("starts a run by hand without any body", async () => {
    const response = await server.api(`/api/v1/workflows/${id}/runs`, { method: "POST" });
    expect(response.status).toBe(202);
    const { runId } = (await response.json()) as { runId: string };
    const run = await waitForRunEnd(server, runId);
    expect(run.trigger).toMatchObject({ type: "manual", input: null });
  });

  describe("archiving", () => {
    it("archives: new runs get 409, old runs stay readable", async () => {
      const archived = await server.api(`/api/v1/workflows/${id}/archive`, { method: "POST" });
      expect(archived.status).toBe(200);
      expect(await archived.json()).toMatchObject({ id, archived: true });

      const before = await countRows(server);
      const start = await server.api(`/api/v1/workflows/${id}/runs`, { method: "POST", json: {} });
      const problem = await expectProblem(start, 409, "conflict");
      expect(problem.detail).toBe(`workflow "${id}" is archived`);
      expect(await countRows(server)).toEqual(before);

      const old = await server.api(`/api/v1/runs/${oldRun}`);
      expect(old.status).toBe(200);
      expect(await old.json()).toMatchObject({ id: oldRun, version: 1, status: "succeeded" });
      expect((await server.api(`/api/v1/workflows/${id}`)).status).toBe(200);
    });

    it("refuses new versions of an archived workflow with 409", async () => {
      const { status } = await save(definition("v5"));
      expect(status).toBe(409);
    });

    it("stops the archived workflow's webhook", async () => {
      const workflow = await getJson<Saved["workflow"]>(`/api/v1/workflows/${id}`);
      const response = await fetch(workflow.triggers[0]!.url!, { method: "POST" });
      await expectProblem(response, 404, "not-found");
    });

    it("hides it from the list unless archived=true", async () => {
      type List = { items: { name: string; archived: boolean }[] };
      const live = await getJson<List>("/api/v1/workflows");
      expect(live.items.map((w) => w.name)).toEqual(["other"]);
      const archived = await getJson<List>("/api/v1/workflows?archived=true");
      expect(archived.items).toMatchObject([{ name: "versioned", archived: true }]);
    });

    it("archives again without complaint", async () => {
      const again = await server.api(`/api/v1/workflows/${id}/archive`, { method: "POST" });
      expect(again.status).toBe(200);
    });
  });
});
