import { join } from "node:path";
import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "../helpers/problem.ts";
import { applyYaml, startTestServer, type TestServer } from "../helpers/test-server.ts";

/** The audit log: what the API and CLI record, and GET /api/v1/audit with its filters. */

const BIN = join(import.meta.dirname, "..", "..", "bin", "weft.js");
const PASSWORD = "a-long-password";
const WRONG = "not-the-password";

interface Entry {
  id: string;
  at: string;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: "success" | "failure";
  ip: string | null;
  details: Record<string, unknown> | null;
}

let server: TestServer;
let adminEmail: string;
let editor: string;
let editorEmail: string;
const startedAt = new Date().toISOString();
/** Every password, token, cookie and key a test used, to look for in the log at the end. */
const used: string[] = [PASSWORD, WRONG];

const as = (token: string, path: string, init: RequestInit & { json?: unknown } = {}) =>
  server.api(path, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...init.headers },
  });

const whoIs = async (token: string) =>
  ((await (await as(token, "/api/v1/session")).json()) as { email: string }).email;

beforeAll(async () => {
  server = await startTestServer({
    env: { WEFT_SIGNIN_LOCKOUT_AFTER: "2", WEFT_RATE_LIMIT_SIGNIN: "1000/1m" },
  });
  editor = await server.tokenFor("editor");
  used.push(server.token, editor);
  adminEmail = await whoIs(server.token);
  editorEmail = await whoIs(editor);
});
afterAll(() => server.close());

async function audit(query = ""): Promise<Entry[]> {
  const response = await server.api(`/api/v1/audit?limit=500&${query}`);
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return (JSON.parse(text) as { items: Entry[] }).items;
}

/** The newest entry with `action` (and `targetId`, when given). */
async function latest(action: string, targetId?: string): Promise<Entry> {
  const target = targetId === undefined ? "" : `&targetId=${encodeURIComponent(targetId)}`;
  const [entry] = await audit(`action=${action}${target}`);
  expect(entry, `an ${action} entry`).toBeDefined();
  return entry!;
}

const signIn = (email: string, password: string) =>
  fetch(`${server.url}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });

let users = 0;
async function createUser(): Promise<{ email: string; id: string }> {
  users += 1;
  const email = `audited${users}@example.test`;
  const response = await server.api("/api/v1/users", {
    method: "POST",
    json: { email, password: PASSWORD, role: "viewer" },
  });
  expect(response.status).toBe(201);
  return { email, id: ((await response.json()) as { id: string }).id };
}

describe("what is recorded", () => {
  it("records a created user with the admin who created it", async () => {
    const user = await createUser();
    expect(await latest("user.create", user.email)).toMatchObject({
      actorEmail: adminEmail,
      targetType: "user",
      targetId: user.email,
      outcome: "success",
      ip: "127.0.0.1",
      details: { role: "viewer" },
    });
  });

  it("records a sign-in and a sign-out as the user", async () => {
    const user = await createUser();
    const signedIn = await signIn(user.email, PASSWORD);
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers.get("set-cookie")!.split(";")[0]!;
    used.push(cookie.split("=")[1]!);
    const created = await latest("session.create", user.email);
    expect(created).toMatchObject({
      actorId: user.id,
      actorEmail: user.email,
      targetType: "user",
      outcome: "success",
      ip: "127.0.0.1",
    });
    expect(Date.parse(created.at)).toBeGreaterThanOrEqual(Date.parse(startedAt));

    const out = await fetch(`${server.url}/api/v1/session`, {
      method: "DELETE",
      headers: { cookie },
    });
    expect(out.status).toBe(204);
    expect(await latest("session.delete", user.email)).toMatchObject({
      actorId: user.id,
      actorEmail: user.email,
      outcome: "success",
    });
  });

  it("records each refused sign-in with the attempted email and why", async () => {
    const user = await createUser();
    const failures = async (email: string) =>
      audit(`action=session.create&outcome=failure&actor=${encodeURIComponent(email)}`);

    expect((await signIn(user.email, WRONG)).status).toBe(401);
    expect((await failures(user.email))[0]).toMatchObject({
      actorId: null,
      actorEmail: user.email,
      targetId: null,
      outcome: "failure",
      ip: "127.0.0.1",
      details: { reason: "bad-credentials" },
    });

    expect((await signIn("Nobody@Example.TEST", PASSWORD)).status).toBe(401);
    expect((await failures("nobody@example.test"))[0]!.details).toEqual({
      reason: "bad-credentials",
    });

    // The second failure in a row locks the email; the right password is then refused.
    expect((await signIn(user.email, WRONG)).status).toBe(401);
    expect((await failures(user.email))[0]!.details).toEqual({
      reason: "bad-credentials",
      locked: true,
    });
    expect((await signIn(user.email, PASSWORD)).status).toBe(401);
    expect((await failures(user.email))[0]!.details).toEqual({ reason: "locked" });
  });

  it("records disabling a user, and a disabled user's sign-in as refused", async () => {
    const user = await createUser();
    const path = `/api/v1/users/${encodeURIComponent(user.email)}/disable`;
    expect((await server.api(path, { method: "POST" })).status).toBe(204);
    expect(await latest("user.disable", user.email)).toMatchObject({
      actorEmail: adminEmail,
      targetType: "user",
    });

    expect((await signIn(user.email, PASSWORD)).status).toBe(401);
    const [refused] = await audit(`action=session.create&actor=${user.email}`);
    expect(refused).toMatchObject({ outcome: "failure", details: { reason: "disabled" } });
  });

  it("records an admin's unlock", async () => {
    const path = `/api/v1/users/${encodeURIComponent("Locked@example.test")}/unlock`;
    expect((await server.api(path, { method: "POST" })).status).toBe(204);
    expect(await latest("user.unlock", "locked@example.test")).toMatchObject({
      actorEmail: adminEmail,
      targetType: "user",
      details: { wasLocked: false },
    });
  });

  it("records tokens made and revoked by their name, never their value", async () => {
    const made = await as(editor, "/api/v1/tokens", { method: "POST", json: { name: "deploy" } });
    const token = (await made.json()) as { id: string; token: string };
    used.push(token.token);
    expect(await latest("token.create", token.id)).toMatchObject({
      actorEmail: editorEmail,
      targetType: "token",
      details: { name: "deploy", expiresAt: null },
    });

    expect((await as(editor, `/api/v1/tokens/${token.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await latest("token.revoke", token.id)).toMatchObject({
      actorEmail: editorEmail,
      details: { name: "deploy" },
    });
  });

  it("records workflow saves, archiving, key rotation, and run cancels and retries", async () => {
    const asEditor = {
      ...server,
      api: (path: string, init?: RequestInit) => as(editor, path, init),
    };
    const yaml = (message: string) =>
      `name: audited\ntriggers: [{ type: webhook }, { type: schedule, cron: "0 9 * * *" }]\nsteps:\n  - { id: wait, type: delay, with: { duration: 1h } }\n  - { id: say, type: log, needs: [wait], with: { message: ${message} } }\n`;
    const workflow = await applyYaml(asEditor, yaml("one"));
    used.push(workflow.triggers[0]!.url!.split("/").at(-1)!);
    expect(await latest("workflow.create", workflow.id)).toMatchObject({
      actorEmail: editorEmail,
      targetType: "workflow",
      details: { name: "audited", version: 1 },
    });

    await applyYaml(asEditor, yaml("one"));
    await applyYaml(asEditor, yaml("two"));
    const updates = await audit(`action=workflow.update&targetId=${workflow.id}`);
    expect(updates.map((e) => e.details)).toEqual([{ name: "audited", version: 2 }]);

    for (const action of ["archive", "unarchive"]) {
      const response = await as(editor, `/api/v1/workflows/${workflow.id}/${action}`, {
        method: "POST",
      });
      expect(response.status).toBe(200);
      expect(await latest(`workflow.${action}`, workflow.id)).toMatchObject({
        actorEmail: editorEmail,
        details: { name: "audited" },
      });
    }

    const rotated = await as(editor, `/api/v1/workflows/${workflow.id}/triggers/webhook/rotate`, {
      method: "POST",
    });
    used.push(((await rotated.json()) as { url: string }).url.split("/").at(-1)!);
    expect(await latest("webhook.rotate", workflow.id)).toMatchObject({
      actorEmail: editorEmail,
      details: { name: "audited", triggerId: "webhook" },
    });

    const schedule = `/api/v1/schedules/${workflow.id}/schedule`;
    for (const action of ["pause", "pause", "resume"]) {
      const response = await as(editor, `${schedule}/${action}`, { method: "POST" });
      expect(response.status).toBe(200);
    }
    const scheduling = await audit(`action=schedule.&targetId=${workflow.id}`);
    // Newest first; the second pause changed nothing and is not there.
    expect(scheduling.map((e) => [e.action, e.details])).toEqual([
      ["schedule.resume", { name: "audited", triggerId: "schedule" }],
      ["schedule.pause", { name: "audited", triggerId: "schedule" }],
    ]);

    const started = await as(editor, `/api/v1/workflows/${workflow.id}/runs`, {
      method: "POST",
      json: {},
    });
    const { runId } = (await started.json()) as { runId: string };
    expect((await as(editor, `/api/v1/runs/${runId}/cancel`, { method: "POST" })).status).toBe(202);
    expect(await latest("run.cancel", runId)).toMatchObject({
      actorEmail: editorEmail,
      targetType: "run",
    });
    expect((await as(editor, `/api/v1/runs/${runId}/retry`, { method: "POST" })).status).toBe(202);
    expect(await latest("run.retry", runId)).toMatchObject({ actorEmail: editorEmail });
    await as(editor, `/api/v1/runs/${runId}/cancel`, { method: "POST" });
  });

  it("records the CLI's user and token commands as cli", async () => {
    const cli = (args: string[]) =>
      new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          [BIN, ...args],
          { env: { PATH: process.env.PATH ?? "", WEFT_DATA_DIR: server.dataDir }, timeout: 30_000 },
          (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)),
        ),
      );
    const email = "from-cli@example.test";
    await cli(["user", "create", "--email", email, "--password", PASSWORD, "--role", "editor"]);
    const token = (await cli(["token", "create", "--email", email, "--name", "script"])).trim();
    used.push(token);
    await cli(["user", "disable", "--email", email]);

    const entries = await audit("actor=cli");
    expect(entries.map((e) => [e.action, e.targetType, e.outcome])).toEqual([
      ["user.disable", "user", "success"],
      ["token.create", "token", "success"],
      ["user.create", "user", "success"],
    ]);
    expect(entries[2]).toMatchObject({ targetId: email, ip: null, details: { role: "editor" } });
    expect(entries[1]!.details).toEqual({ name: "script", user: email, expiresAt: null });
  });
});

describe("reading the log", () => {
  it("filters by exact action and by a prefix ending in a dot", async () => {
    const exact = await audit("action=session.create");
    expect(exact.length).toBeGreaterThan(0);
    expect(new Set(exact.map((e) => e.action))).toEqual(new Set(["session.create"]));

    const prefixed = await audit("action=session.");
    expect(new Set(prefixed.map((e) => e.action))).toEqual(
      new Set(["session.create", "session.delete"]),
    );
    expect(await audit("action=session")).toEqual([]);
  });

  it("filters by actor, target, outcome and time", async () => {
    const byEditor = await audit(`actor=${encodeURIComponent(editorEmail.toUpperCase())}`);
    expect(byEditor.length).toBeGreaterThan(5);
    expect(byEditor.every((e) => e.actorEmail === editorEmail)).toBe(true);

    const workflows = await audit("targetType=workflow");
    expect(workflows.every((e) => e.targetType === "workflow")).toBe(true);
    const one = workflows[0]!;
    const forOne = await audit(`targetType=workflow&targetId=${one.targetId}`);
    expect(forOne.every((e) => e.targetId === one.targetId)).toBe(true);

    const failed = await audit("outcome=failure");
    expect(failed.length).toBeGreaterThanOrEqual(4);
    expect(failed.every((e) => e.outcome === "failure" && e.action === "session.create")).toBe(
      true,
    );

    const all = await audit();
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(await audit(`since=${future}`)).toEqual([]);
    expect(await audit(`until=${startedAt}`)).toEqual([]);
    expect(await audit(`since=${startedAt}&until=${future}`)).toEqual(all);
    const middle = all[Math.floor(all.length / 2)]!.at;
    const since = await audit(`since=${middle}`);
    expect(since.length).toBeGreaterThan(0);
    expect(since.every((e) => e.at >= middle)).toBe(true);
  });

  it("pages newest first with a cursor, seeing every entry once", async () => {
    const all = await audit();
    expect(all.length).toBeGreaterThan(10);
    expect([...all.map((e) => e.id)].sort().reverse()).toEqual(all.map((e) => e.id));

    const seen: string[] = [];
    let cursor: string | null = "";
    let pages = 0;
    while (cursor !== null) {
      const query: string = cursor ? `&cursor=${cursor}` : "";
      const response = await server.api(`/api/v1/audit?limit=3${query}`);
      const page = (await response.json()) as { items: Entry[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
      pages += 1;
    }
    expect(seen).toEqual(all.map((e) => e.id));
    expect(pages).toBe(Math.ceil(all.length / 3));
  });

  it("defaults to 100 entries", async () => {
    const response = await server.api("/api/v1/audit");
    const page = (await response.json()) as { items: Entry[]; nextCursor: string | null };
    expect(page.items.length).toBe(Math.min(100, (await audit()).length));
  });

  it.each([
    ["action=Session.create", "querystring.action"],
    ["action=session%25", "querystring.action"],
    ["limit=0", "querystring.limit"],
    ["limit=501", "querystring.limit"],
    ["since=yesterday", "querystring.since"],
    ["outcome=maybe", "querystring.outcome"],
  ])("refuses %s with 400 naming the parameter", async (query, path) => {
    const problem = await expectProblem(
      await server.api(`/api/v1/audit?${query}`),
      400,
      "bad-request",
    );
    expect(problem.issues?.[0]?.path).toBe(path);
  });

  it("is for admins only", async () => {
    const viewer = await server.tokenFor("viewer");
    await expectProblem(await as(viewer, "/api/v1/audit"), 403, "forbidden");
    await expectProblem(await as(editor, "/api/v1/audit"), 403, "forbidden");
    await expectProblem(await fetch(`${server.url}/api/v1/audit`), 401, "unauthorized");
  });

  it("holds no password, token, session id or webhook key", async () => {
    const rows = await server.weft.store.db.selectFrom("audit_log").selectAll().execute();
    expect(rows.length).toBeGreaterThan(20);
    const text = JSON.stringify(rows);
    expect(used.length).toBeGreaterThan(6);
    for (const value of used) {
      expect(value.length).toBeGreaterThan(8);
      expect(text).not.toContain(value);
    }
  });
});
