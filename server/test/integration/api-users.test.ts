import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listUsers } from "../../src/store/users.ts";
import { expectProblem } from "../helpers/problem.ts";
import { startTestServer, type TestServer } from "../helpers/test-server.ts";

/** Admins managing users through real HTTP: the list, role changes, disabling and enabling. */

const PASSWORD = "a-long-password";

interface Overview {
  email: string;
  role: string;
  disabled: boolean;
  lockedUntil: string | null;
  lastSignInAt: string | null;
}

interface Entry {
  action: string;
  targetId: string;
  actorEmail: string;
  details: Record<string, unknown> | null;
}

let server: TestServer;
let adminEmail: string;

beforeAll(async () => {
  server = await startTestServer({
    env: { WEFT_SIGNIN_LOCKOUT_AFTER: "2", WEFT_RATE_LIMIT_SIGNIN: "off" },
  });
  adminEmail = await signedInEmail(server);
});
afterAll(() => server.close());

/** The email of the admin whose token `on` sends. */
async function signedInEmail(on: TestServer): Promise<string> {
  return ((await (await on.api("/api/v1/session")).json()) as { email: string }).email;
}

let made = 0;
/** Creates a user through the API with `role`; returns their email. */
async function createUser(role: "admin" | "editor" | "viewer"): Promise<string> {
  made += 1;
  const email = `managed${made}@example.test`;
  const response = await server.api("/api/v1/users", {
    method: "POST",
    json: { email, password: PASSWORD, role },
  });
  expect(response.status).toBe(201);
  return email;
}

function signIn(email: string, password = PASSWORD): Promise<Response> {
  return fetch(`${server.url}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
}

/** Signs in and returns the `weft_session=…` pair. */
async function cookieFor(email: string): Promise<string> {
  const response = await signIn(email);
  expect(response.status).toBe(200);
  return (response.headers.get("set-cookie") ?? "").split(";")[0]!;
}

/** Creates an API token as the signed-in user; returns its secret. */
async function tokenOf(cookie: string): Promise<string> {
  const response = await server.api("/api/v1/tokens", {
    method: "POST",
    headers: { cookie, origin: server.url, authorization: "" },
    json: { name: "managed" },
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

const asToken = (token: string, path: string, init: RequestInit = {}) =>
  server.api(path, { ...init, headers: { authorization: `Bearer ${token}` } });

const patch = (email: string, body: unknown) =>
  server.api(`/api/v1/users/${encodeURIComponent(email)}`, { method: "PATCH", json: body });

async function overview(email: string): Promise<Overview> {
  const { items } = (await (await server.api("/api/v1/users")).json()) as { items: Overview[] };
  const found = items.find((user) => user.email === email);
  if (!found) throw new Error(`${email} is not listed`);
  return found;
}

async function audited(action: string, email: string): Promise<Entry[]> {
  const query = `action=${action}&targetType=user&targetId=${encodeURIComponent(email)}`;
  return ((await (await server.api(`/api/v1/audit?${query}`)).json()) as { items: Entry[] }).items;
}

describe("GET /api/v1/users", () => {
  it("shows when a user last signed in, and null before the first time", async () => {
    const email = await createUser("viewer");
    expect(await overview(email)).toMatchObject({ lastSignInAt: null, lockedUntil: null });

    const before = Date.now();
    await cookieFor(email);
    const { lastSignInAt } = await overview(email);
    expect(Date.parse(lastSignInAt!)).toBeGreaterThanOrEqual(before - 1);
  });

  it("shows a sign-in lock until an admin lifts it", async () => {
    const email = await createUser("viewer");
    for (let i = 0; i < 2; i += 1)
      expect((await signIn(email, "wrong-password-x")).status).toBe(401);
    const { lockedUntil } = await overview(email);
    expect(Date.parse(lockedUntil!)).toBeGreaterThan(Date.now());

    const unlock = await server.api(`/api/v1/users/${email}/unlock`, { method: "POST" });
    expect(unlock.status).toBe(204);
    expect((await overview(email)).lockedUntil).toBeNull();
  });
});

describe("PATCH /api/v1/users/:email", () => {
  it("changes a role at once for the user's token, and audits from and to", async () => {
    const email = await createUser("editor");
    const token = await tokenOf(await cookieFor(email));
    const save = { method: "POST", body: "name: by-editor\nsteps: []\n" };

    const changed = await patch(email, { role: "viewer" });
    expect(changed.status).toBe(200);
    expect(await changed.json()).toMatchObject({ email, role: "viewer", disabled: false });
    const refused = await asToken(token, "/api/v1/workflows", {
      ...save,
      headers: { "content-type": "application/yaml" },
    });
    await expectProblem(refused, 403, "forbidden");
    expect(await audited("user.role", email)).toMatchObject([
      { actorEmail: adminEmail, details: { from: "editor", to: "viewer" } },
    ]);

    expect((await patch(email, { role: "editor" })).status).toBe(200);
    expect((await overview(email)).role).toBe("editor");
    expect(await audited("user.role", email)).toHaveLength(2);
  });

  it("disables a user, ending their sessions and tokens; enabling restores the tokens", async () => {
    const email = await createUser("viewer");
    const cookie = await cookieFor(email);
    const token = await tokenOf(cookie);

    const disabled = await patch(email, { disabled: true });
    expect(disabled.status).toBe(200);
    expect(await disabled.json()).toMatchObject({ email, disabled: true });
    await expectProblem(await asToken(token, "/api/v1/session"), 401, "unauthorized");
    const bySession = await fetch(`${server.url}/api/v1/session`, { headers: { cookie } });
    expect(bySession.status).toBe(401);
    expect((await signIn(email)).status).toBe(401);
    expect(await audited("user.disable", email)).toHaveLength(1);

    const enabled = await patch(email, { disabled: false });
    expect(enabled.status).toBe(200);
    expect((await overview(email)).disabled).toBe(false);
    expect((await asToken(token, "/api/v1/session")).status).toBe(200);
    // The session ended for good; a new sign-in works.
    expect((await fetch(`${server.url}/api/v1/session`, { headers: { cookie } })).status).toBe(401);
    expect((await signIn(email)).status).toBe(200);
    expect(await audited("user.enable", email)).toHaveLength(1);
  });

  it("closes a disabled user's live feed", async () => {
    const email = await createUser("viewer");
    const token = await tokenOf(await cookieFor(email));
    const socket = new WebSocket(`${server.url.replace(/^http/, "ws")}/api/v1/events`, [
      "weft",
      `bearer.${token}`,
    ]);
    const closed = new Promise<number>((resolve) =>
      socket.addEventListener("close", (event) => resolve(event.code)),
    );
    await new Promise((resolve, reject) => {
      socket.addEventListener("open", resolve, { once: true });
      socket.addEventListener("error", reject, { once: true });
    });

    expect((await patch(email, { disabled: true })).status).toBe(200);
    expect(await closed).toBe(4401);
  });

  it("audits nothing when nothing changes", async () => {
    const email = await createUser("viewer");
    const same = await patch(email, { role: "viewer", disabled: false });
    expect(same.status).toBe(200);
    expect(await audited("user.role", email)).toEqual([]);
    expect(await audited("user.enable", email)).toEqual([]);
  });

  it("refuses to demote or disable the last enabled admin with 409 naming why", async () => {
    const alone = await startTestServer();
    try {
      const admin = await signedInEmail(alone);
      const path = `/api/v1/users/${encodeURIComponent(admin)}`;
      const demoted = await alone.api(path, { method: "PATCH", json: { role: "editor" } });
      const demotion = await expectProblem(demoted, 409, "conflict");
      expect(demotion.detail).toBe(
        `${admin} is the last enabled admin and cannot become editor: make another admin first`,
      );
      const disabled = await alone.api(path, { method: "PATCH", json: { disabled: true } });
      const disabling = await expectProblem(disabled, 409, "conflict");
      expect(disabling.detail).toBe(`${admin} is the last enabled admin: make another admin first`);

      const me = (await (await alone.api("/api/v1/session")).json()) as Overview;
      expect(me).toMatchObject({ role: "admin", disabled: false });
    } finally {
      await alone.close();
    }
  });

  it("lets an admin step down once another admin is enabled", async () => {
    const other = await createUser("admin");
    expect((await patch(other, { role: "viewer" })).status).toBe(200);
    expect((await overview(other)).role).toBe("viewer");
  });

  it("does not count a disabled admin as another admin", async () => {
    const alone = await startTestServer();
    try {
      const admin = await signedInEmail(alone);
      const second = "second-admin@example.test";
      const created = await alone.api("/api/v1/users", {
        method: "POST",
        json: { email: second, password: PASSWORD, role: "admin" },
      });
      expect(created.status).toBe(201);
      const off = await alone.api(`/api/v1/users/${second}`, {
        method: "PATCH",
        json: { disabled: true },
      });
      expect(off.status).toBe(200);

      const demoted = await alone.api(`/api/v1/users/${encodeURIComponent(admin)}`, {
        method: "PATCH",
        json: { role: "viewer" },
      });
      await expectProblem(demoted, 409, "conflict");
    } finally {
      await alone.close();
    }
  });

  it("lets only one of two admins who demote each other at once succeed", async () => {
    const alone = await startTestServer();
    try {
      const first = await signedInEmail(alone);
      const second = "rival-admin@example.test";
      const created = await alone.api("/api/v1/users", {
        method: "POST",
        json: { email: second, password: PASSWORD, role: "admin" },
      });
      expect(created.status).toBe(201);

      const demote = (email: string) =>
        alone.api(`/api/v1/users/${encodeURIComponent(email)}`, {
          method: "PATCH",
          json: { role: "editor" },
        });
      const statuses = (await Promise.all([demote(first), demote(second)])).map((r) => r.status);
      // The loser is refused as the last admin (409), or, when its request was let in only
      // after the winner's change, as an editor (403): never both demoted.
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect([403, 409]).toContain(statuses.find((status) => status !== 200));

      // Read from the store: the caller's token may be an editor's by now.
      const users = await listUsers(alone.weft.store.db);
      expect(users.filter((user) => user.role === "admin")).toHaveLength(1);
    } finally {
      await alone.close();
    }
  });

  it("answers 422 for an empty change, 400 for an unknown role, 404 for an unknown user", async () => {
    const email = await createUser("viewer");
    const empty = await expectProblem(await patch(email, {}), 422, "validation-failed");
    expect(empty.detail).toContain("must set role, disabled or both");
    await expectProblem(await patch(email, { role: "owner" }), 400, "bad-request");
    const missing = await expectProblem(
      await patch("nobody@example.test", { role: "viewer" }),
      404,
      "not-found",
    );
    expect(missing.detail).toBe('user "nobody@example.test" does not exist');
  });

  it("is for admins only", async () => {
    const email = await createUser("editor");
    const token = await tokenOf(await cookieFor(email));
    const response = await server.api(`/api/v1/users/${encodeURIComponent(email)}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${token}` },
      json: { role: "admin" },
    });
    await expectProblem(response, 403, "forbidden");
    expect((await overview(email)).role).toBe("editor");
  });
});
