import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRows, expectProblem } from "../helpers/problem.ts";
import { startTestServer, type TestServer } from "../helpers/test-server.ts";

/** First-admin setup, then sign-in, session cookies and sign-out. */

let server: TestServer;
const admin = { email: "Owner@Example.test", password: "correct-horse-battery" };

beforeAll(async () => {
  server = await startTestServer({ noAdmin: true });
});
afterAll(() => server.close());

const post = (path: string, json: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(json),
  });

const signIn = async (email: string, password: string) => {
  const response = await post("/api/v1/session", { email, password });
  const cookie = response.headers.get("set-cookie") ?? "";
  return { response, cookie, pair: cookie.split(";")[0]! };
};

describe("before the first admin exists", () => {
  it.each([
    ["GET", "/api/v1/workflows"],
    ["GET", "/api/v1/runs"],
    ["GET", "/api/v1/schedules"],
    ["GET", "/api/v1/users"],
    ["GET", "/api/v1/session"],
    ["POST", "/api/v1/session"],
    ["POST", "/api/v1/tokens"],
  ])("%s %s answers 403 setup-required", async (method, path) => {
    const response = await fetch(`${server.url}${path}`, { method });
    const problem = await expectProblem(response, 403, "setup-required");
    expect(problem.detail).toBe(
      "Weft has no admin yet: run `weft user create --role admin` or POST /api/v1/setup",
    );
  });

  it("answers an unknown route 404, set up or not", async () => {
    const response = await fetch(`${server.url}/api/v1/no-such-route`);
    await expectProblem(response, 404, "not-found");
  });

  it("keeps the OpenAPI document readable", async () => {
    const response = await fetch(`${server.url}/api/openapi.json`);
    expect(response.status).toBe(200);
  });

  it("refuses a short password with 422 naming password, and stores no user", async () => {
    const response = await post("/api/v1/setup", { email: admin.email, password: "short" });
    const problem = await expectProblem(response, 422, "validation-failed");
    expect(problem.issues).toEqual([
      { path: "password", message: "must be at least 12 characters long" },
    ]);
    expect(problem.detail).toBe("password: must be at least 12 characters long");
    expect((await countRows(server)).users).toBe(0);
  });

  it("refuses a malformed email with 400 naming email", async () => {
    const response = await post("/api/v1/setup", { email: "nope", password: admin.password });
    const problem = await expectProblem(response, 400, "bad-request");
    expect(problem.issues?.map((i) => i.path)).toEqual(["body.email"]);
    expect((await countRows(server)).users).toBe(0);
  });
});

describe("setup and sessions", () => {
  it("creates the first admin with 201, then refuses a second setup with 409", async () => {
    const first = await post("/api/v1/setup", admin);
    expect(first.status).toBe(201);
    const user = (await first.json()) as Record<string, unknown>;
    expect(user).toMatchObject({ email: "owner@example.test", role: "admin", disabled: false });
    expect(JSON.stringify(user)).not.toContain("scrypt");

    const second = await post("/api/v1/setup", {
      email: "other@example.test",
      password: "another-long-password",
    });
    const problem = await expectProblem(second, 409, "conflict");
    expect(problem.detail).toBe("Weft is already set up: sign in instead");
    expect((await countRows(server)).users).toBe(1);
  });

  it("signs in with an HttpOnly SameSite=Strict cookie that identifies the user", async () => {
    const { response, cookie, pair } = await signIn(admin.email, admin.password);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ email: "owner@example.test", role: "admin" });
    expect(cookie).toMatch(/^weft_session=wfs_[\w-]+;/);
    expect(cookie).toMatch(/; HttpOnly(;|$)/);
    expect(cookie).toMatch(/; SameSite=Strict(;|$)/);
    expect(cookie).toMatch(/; Path=\/(;|$)/);

    const me = await fetch(`${server.url}/api/v1/session`, { headers: { cookie: pair } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: "owner@example.test", role: "admin" });

    const workflows = await fetch(`${server.url}/api/v1/workflows`, { headers: { cookie: pair } });
    expect(workflows.status).toBe(200);
  });

  it("answers a wrong password and an unknown email with the same 401", async () => {
    const wrong = await signIn(admin.email, "not-the-password");
    const unknown = await signIn("nobody@example.test", admin.password);
    const a = await expectProblem(wrong.response, 401, "unauthorized");
    const b = await expectProblem(unknown.response, 401, "unauthorized");
    expect(a.detail).toBe("email or password is wrong");
    expect(b.detail).toBe(a.detail);
    expect(wrong.cookie).toBe("");
    expect(unknown.cookie).toBe("");
  });

  it("answers a request without credentials with 401", async () => {
    const problem = await expectProblem(
      await fetch(`${server.url}/api/v1/session`),
      401,
      "unauthorized",
    );
    expect(problem.detail).toBe("sign in, or send an API token as Authorization: Bearer <token>");
  });

  it("signs out, after which the cookie no longer works", async () => {
    const { pair } = await signIn(admin.email, admin.password);
    const before = (await countRows(server)).sessions;

    const out = await fetch(`${server.url}/api/v1/session`, {
      method: "DELETE",
      headers: { cookie: pair },
    });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/^weft_session=;/);
    expect((await countRows(server)).sessions).toBe(before - 1);

    const me = await fetch(`${server.url}/api/v1/session`, { headers: { cookie: pair } });
    await expectProblem(me, 401, "unauthorized");
  });

  it("refuses a session whose expiry has passed with 401", async () => {
    const { pair } = await signIn(admin.email, admin.password);
    await server.weft.store.db
      .updateTable("sessions")
      .set({ expires_at: Date.now() - 1000 })
      .execute();
    const me = await fetch(`${server.url}/api/v1/session`, { headers: { cookie: pair } });
    await expectProblem(me, 401, "unauthorized");
  });

  it("refuses a cookie-authenticated change from a foreign origin with 403", async () => {
    const { pair } = await signIn(admin.email, admin.password);
    const before = await countRows(server);

    const foreign = await post(
      "/api/v1/tokens",
      { name: "csrf" },
      { cookie: pair, origin: "https://evil.example" },
    );
    const problem = await expectProblem(foreign, 403, "forbidden");
    expect(problem.detail).toBe("cross-origin request from https://evil.example refused");
    expect(await countRows(server)).toEqual(before);

    const same = await post("/api/v1/tokens", { name: "ok" }, { cookie: pair, origin: server.url });
    expect(same.status).toBe(201);
  });
});

describe("setups that race", () => {
  it("lets exactly one of several concurrent setups create the admin", async () => {
    const fresh = await startTestServer({ noAdmin: true });
    try {
      const answers = await Promise.all(
        [1, 2, 3, 4, 5].map((n) =>
          fetch(`${fresh.url}/api/v1/setup`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ email: `admin${n}@example.test`, password: "a-long-password" }),
          }),
        ),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
      expect((await countRows(fresh)).users).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});
