import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRows, expectProblem } from "../helpers/problem.ts";
import { startTestServer, type TestServer } from "../helpers/test-server.ts";

/** API tokens: created once, listed without their value, revoked, expired, malformed. */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface CreatedToken {
  id: string;
  name: string;
  token: string;
  expiresAt: string | null;
}

const createToken = async (json: unknown, bearer = server.token) => {
  const response = await server.api("/api/v1/tokens", {
    method: "POST",
    json,
    headers: { authorization: `Bearer ${bearer}` },
  });
  return { response, body: (await response.json()) as CreatedToken };
};

const whoAmI = (authorization: string) =>
  fetch(`${server.url}/api/v1/session`, { headers: { authorization } });

const UNKNOWN = "the API token is unknown, revoked or expired";
const MALFORMED = "the Authorization header must be `Bearer <token>`";

describe("creating and listing tokens", () => {
  it("shows a new token once, and it authenticates its owner", async () => {
    const { response, body } = await createToken({ name: "ci" });
    expect(response.status).toBe(201);
    expect(body).toEqual({ id: body.id, name: "ci", token: body.token, expiresAt: null });
    expect(body.token).toMatch(/^weft_[\w-]{43}$/);

    const me = await whoAmI(`Bearer ${body.token}`);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ role: "admin" });
  });

  it("gives a token with expiresInDays an expiry in the future", async () => {
    const { response, body } = await createToken({ name: "short", expiresInDays: 2 });
    expect(response.status).toBe(201);
    expect(Date.parse(body.expiresAt!)).toBeGreaterThan(Date.now());
  });

  it("lists tokens without their values or hashes", async () => {
    const { body: created } = await createToken({ name: "listed" });
    const response = await server.api("/api/v1/tokens");
    expect(response.status).toBe(200);
    const text = await response.text();
    const list = JSON.parse(text) as { items: Record<string, unknown>[] };

    const item = list.items.find((t) => t.id === created.id);
    expect(item).toMatchObject({ id: created.id, name: "listed", revoked: false });
    expect(Object.keys(item!).sort()).toEqual(
      ["createdAt", "expiresAt", "id", "lastUsedAt", "name", "revoked"].sort(),
    );
    expect(text).not.toContain(created.token);
    expect(text).not.toContain(created.token.slice(5));
    expect(text).not.toMatch(/hash/i);
  });

  it("lists only the caller's own tokens", async () => {
    const viewer = await server.tokenFor("viewer");
    const { body: mine } = await createToken({ name: "viewer-own" }, viewer);
    const response = await fetch(`${server.url}/api/v1/tokens`, {
      headers: { authorization: `Bearer ${viewer}` },
    });
    const ids = ((await response.json()) as { items: { id: string }[] }).items.map((t) => t.id);
    expect(ids).toContain(mine.id);
    expect(ids).toHaveLength(2);
  });

  it.each([
    [{}, "body.name", "Invalid input: expected string, received undefined"],
    [{ name: "" }, "body.name", "Too small: expected string to have >=1 characters"],
    [{ name: "x", expiresInDays: 0 }, "body.expiresInDays", "Too small: expected number to be >=1"],
    [
      { name: "x", expiresInDays: 1.5 },
      "body.expiresInDays",
      "Invalid input: expected int, received number",
    ],
    [{ name: "x", scope: "all" }, "body", 'Unrecognized key: "scope"'],
  ])("refuses %j with 400 naming %s, storing nothing", async (json, path, message) => {
    const before = await countRows(server);
    const response = await server.api("/api/v1/tokens", { method: "POST", json });
    const problem = await expectProblem(response, 400, "bad-request");
    expect(problem.issues).toEqual([{ path, message }]);
    expect(problem.detail).toBe(`${path}: ${message}`);
    expect(await countRows(server)).toEqual(before);
  });
});

describe("tokens that no longer work", () => {
  it("revokes a token: it then gets 401, and a second revoke is 404", async () => {
    const { body } = await createToken({ name: "to-revoke" });
    expect((await whoAmI(`Bearer ${body.token}`)).status).toBe(200);

    const revoke = await server.api(`/api/v1/tokens/${body.id}`, { method: "DELETE" });
    expect(revoke.status).toBe(204);

    const problem = await expectProblem(await whoAmI(`Bearer ${body.token}`), 401, "unauthorized");
    expect(problem.detail).toBe(UNKNOWN);

    const again = await server.api(`/api/v1/tokens/${body.id}`, { method: "DELETE" });
    const missing = await expectProblem(again, 404, "not-found");
    expect(missing.detail).toBe(`token "${body.id}" does not exist`);

    const list = (await (await server.api("/api/v1/tokens")).json()) as {
      items: { id: string; revoked: boolean }[];
    };
    expect(list.items.find((t) => t.id === body.id)?.revoked).toBe(true);
  });

  it("does not let a user revoke another user's token", async () => {
    const viewer = await server.tokenFor("viewer");
    const { body } = await createToken({ name: "admin-owned" });
    const response = await fetch(`${server.url}/api/v1/tokens/${body.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${viewer}` },
    });
    await expectProblem(response, 404, "not-found");
    expect((await whoAmI(`Bearer ${body.token}`)).status).toBe(200);
  });

  it("refuses a token whose expiry has passed with 401", async () => {
    const { body } = await createToken({ name: "expiring", expiresInDays: 1 });
    expect((await whoAmI(`Bearer ${body.token}`)).status).toBe(200);

    await server.weft.store.db
      .updateTable("api_tokens")
      .set({ expires_at: Date.now() - 1000 })
      .where("id", "=", body.id)
      .execute();
    const problem = await expectProblem(await whoAmI(`Bearer ${body.token}`), 401, "unauthorized");
    expect(problem.detail).toBe(UNKNOWN);
  });

  it("refuses a token of a disabled user with 401", async () => {
    const token = await server.tokenFor("editor");
    const me = (await (await whoAmI(`Bearer ${token}`)).json()) as { email: string };
    const disable = await server.api(`/api/v1/users/${me.email}/disable`, { method: "POST" });
    expect(disable.status).toBe(204);
    await expectProblem(await whoAmI(`Bearer ${token}`), 401, "unauthorized");
  });

  it("refuses an unknown token with 401", async () => {
    const problem = await expectProblem(
      await whoAmI(`Bearer weft_${"x".repeat(43)}`),
      401,
      "unauthorized",
    );
    expect(problem.detail).toBe(UNKNOWN);
  });

  it("refuses a request without a token with 401", async () => {
    const problem = await expectProblem(
      await fetch(`${server.url}/api/v1/workflows`),
      401,
      "unauthorized",
    );
    expect(problem.detail).toBe("sign in, or send an API token as Authorization: Bearer <token>");
  });

  it.each([
    `Basic ${Buffer.from("a:b").toString("base64")}`,
    "Bearer",
    "Bearer ",
    "Bearer two parts",
    "Token weft_abc",
  ])("refuses the malformed Authorization %j with 401", async (authorization) => {
    const problem = await expectProblem(await whoAmI(authorization), 401, "unauthorized");
    expect(problem.detail).toBe(MALFORMED);
  });
});
