import { createHash } from "node:crypto";
import { request as httpRequest } from "node:http";
import { Agent, fetch as fetchVia } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../src/auth/tokens.ts";
import { countRows, expectProblem } from "../helpers/problem.ts";
import { applyYaml, startTestServer, type TestServer } from "../helpers/test-server.ts";

/**
 * The HTTP layer's defences through real HTTP: security headers and CSP (API and docs),
 * CORS, CSRF with real session cookies, trusted proxies, session lifetimes, body limits.
 */

const CSP =
  "default-src 'self';script-src 'self';script-src-attr 'none';style-src 'self';" +
  "img-src 'self' data:;font-src 'self';connect-src 'self';frame-ancestors 'none';" +
  "object-src 'none';base-uri 'self';form-action 'self'";
const APP_ORIGIN = "https://app.example.test";
const PASSWORD = "a-long-password";
const DAY_MS = 86_400_000;

let server: TestServer;
/** Requests from 127.0.0.2, the one trusted proxy address. */
const viaProxy = new Agent({ localAddress: "127.0.0.2" });

beforeAll(async () => {
  server = await startTestServer({
    env: {
      WEFT_CORS_ORIGINS: APP_ORIGIN,
      WEFT_TRUSTED_PROXIES: "127.0.0.2",
      WEFT_MAX_BODY_BYTES: "2048",
      WEFT_MAX_WEBHOOK_BYTES: "8192",
      WEFT_MAX_JSON_KEYS: "100",
      WEFT_RATE_LIMIT_SIGNIN: "off",
    },
  });
});
afterAll(async () => {
  await server.close();
  await viaProxy.close();
});

let users = 0;
/** Creates a user through the API and returns their email. */
async function createUser(role = "editor"): Promise<string> {
  users += 1;
  const email = `person${users}@example.test`;
  const response = await server.api("/api/v1/users", {
    method: "POST",
    json: { email, password: PASSWORD, role },
  });
  expect(response.status).toBe(201);
  return email;
}

const post = (path: string, json: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(json),
  });

/** Signs in and returns the Set-Cookie header and the `weft_session=…` pair. */
async function signIn(email: string, password = PASSWORD, headers: Record<string, string> = {}) {
  const response = await post("/api/v1/session", { email, password }, headers);
  expect(response.status, await response.clone().text()).toBe(200);
  const setCookie = response.headers.get("set-cookie") ?? "";
  return { setCookie, cookie: setCookie.split(";")[0]! };
}

const whoAmI = (cookie: string) => fetch(`${server.url}/api/v1/session`, { headers: { cookie } });

const sessionRow = (cookie: string) =>
  server.weft.store.db
    .selectFrom("sessions")
    .selectAll()
    .where("id_hash", "=", hashToken(cookie.split("=")[1]!))
    .executeTakeFirst();

describe("security headers", () => {
  it("sends the CSP and helmet's headers on API answers, errors included, and no HSTS over HTTP", async () => {
    for (const path of ["/healthz", "/api/v1/runs", "/api/v1/nope"]) {
      const response = await fetch(`${server.url}${path}`);
      await response.arrayBuffer();
      expect(response.headers.get("content-security-policy"), path).toBe(CSP);
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("same-origin");
      expect(response.headers.get("cross-origin-opener-policy")).toBe("same-origin");
      expect(response.headers.get("strict-transport-security")).toBeNull();
    }
  });

  it("serves /api/docs and every asset it loads under a CSP that allows no inline code", async () => {
    const page = await fetch(`${server.url}/api/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp.replace(/ 'sha256-[^']+'/g, "")).toBe(CSP);

    // Nothing inline for the policy to block: scripts and styles come from files.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>\s*\S/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);

    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(5);
    for (const asset of assets) {
      const response = await fetch(new URL(asset, page.url));
      // Read it all: an unread answer holds its connection open, and the server's close waits.
      expect((await response.arrayBuffer()).byteLength, asset).toBeGreaterThan(0);
      expect(response.status, asset).toBe(200);
      expect(response.headers.get("content-security-policy"), asset).toBe(csp);
    }
    const spec = await fetch(`${server.url}/api/docs/json`);
    expect(spec.status).toBe(200);
    expect(((await spec.json()) as { openapi: string }).openapi).toBe("3.1.0");
  });

  it("allows by hash exactly the <style> elements Swagger UI's scripts render", async () => {
    const csp = (await fetch(`${server.url}/api/docs/`)).headers.get("content-security-policy");
    const preset = await (
      await fetch(`${server.url}/api/docs/static/swagger-ui-standalone-preset.js`)
    ).text();
    const rendered = [...preset.matchAll(/createElement\("style",null,"([^"]*)"\)/g)];
    expect(rendered.length).toBe(preset.split('createElement("style"').length - 1);
    expect(rendered.length).toBeGreaterThan(0);
    const hashes = rendered.map(
      (m) => `'sha256-${createHash("sha256").update(m[1]!).digest("base64")}'`,
    );
    expect(csp).toContain(`style-src 'self' ${hashes.join(" ")};`);
  });
});

describe("CORS", () => {
  it("gives an origin that is not listed no CORS headers", async () => {
    const response = await server.api("/api/v1/workflows", {
      headers: { origin: "https://evil.example" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("allows a listed origin with credentials, varying by Origin", async () => {
    const response = await server.api("/api/v1/workflows", { headers: { origin: APP_ORIGIN } });
    expect(response.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("vary")).toMatch(/\bOrigin\b/);
  });

  it("answers a listed origin's preflight, and gives another origin's no allow headers", async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/api/v1/workflows`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "PUT",
          "access-control-request-headers": "content-type,authorization",
        },
      });
    const allowed = await preflight(APP_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(allowed.headers.get("access-control-allow-credentials")).toBe("true");
    expect(allowed.headers.get("access-control-allow-methods")).toContain("PUT");
    expect(allowed.headers.get("access-control-allow-headers")).toBe("authorization, content-type");

    const refused = await preflight("https://evil.example");
    expect(refused.status).toBe(404);
    for (const name of ["origin", "credentials", "methods", "headers"]) {
      expect(refused.headers.get(`access-control-allow-${name}`), name).toBeNull();
    }
  });

  it("with `*` (development), allows any origin but never with credentials", async () => {
    const open = await startTestServer({ env: { WEFT_CORS_ORIGINS: "*" } });
    try {
      const response = await open.api("/api/v1/workflows", {
        headers: { origin: "https://anywhere.example" },
      });
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    } finally {
      await open.close();
    }
  });
});

describe("CSRF: changes signed by the session cookie", () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = (await signIn(await createUser())).cookie;
  });

  const createToken = (headers: Record<string, string>) =>
    post("/api/v1/tokens", { name: "csrf" }, headers);

  it.each([
    [{ origin: "https://evil.example" }, "cross-origin request from https://evil.example refused"],
    [{ origin: "null" }, "cross-origin request from null refused"],
    [
      { "sec-fetch-site": "cross-site" },
      "a cross-site request signed by the session cookie is refused (Sec-Fetch-Site: cross-site)",
    ],
    [
      { "sec-fetch-site": "same-site" },
      "a same-site request signed by the session cookie is refused (Sec-Fetch-Site: same-site)",
    ],
    [
      { referer: "https://evil.example/page" },
      "cross-origin request from https://evil.example refused",
    ],
    [
      {},
      "a change signed by the session cookie needs an Origin, Sec-Fetch-Site or Referer header " +
        "showing it comes from Weft's own origin; scripts should send an API token instead",
    ],
  ])("refuses %j with 403, and changes nothing", async (headers, detail) => {
    const before = await countRows(server);
    const problem = await expectProblem(
      await createToken({ cookie, ...headers }),
      403,
      "forbidden",
    );
    expect(problem.detail).toBe(detail);
    expect(await countRows(server)).toEqual(before);
  });

  it.each([
    ["its own Origin", () => ({ origin: server.url })],
    ["a listed CORS origin", () => ({ origin: APP_ORIGIN })],
    ["Sec-Fetch-Site same-origin", () => ({ "sec-fetch-site": "same-origin" })],
    ["Sec-Fetch-Site none (typed by the user)", () => ({ "sec-fetch-site": "none" })],
    ["a same-origin Referer", () => ({ referer: `${server.url}/runs/1` })],
  ])("accepts %s", async (_what, headers) => {
    expect((await createToken({ cookie, ...headers() })).status).toBe(201);
  });

  it("does not hold bearer-token requests to it: no ambient credential", async () => {
    const plain = await server.api("/api/v1/tokens", { method: "POST", json: { name: "cli" } });
    expect(plain.status).toBe(201);
  });

  it("refuses a sign-in posted from a foreign page, and starts no session", async () => {
    const email = await createUser();
    const before = (await countRows(server)).sessions;
    const response = await post(
      "/api/v1/session",
      { email, password: PASSWORD },
      { origin: "https://evil.example" },
    );
    const problem = await expectProblem(response, 403, "forbidden");
    expect(problem.detail).toBe("cross-origin request from https://evil.example refused");
    expect((await countRows(server)).sessions).toBe(before);
  });

  it("holds the cookie WebSocket upgrade to the same rule", async () => {
    const upgrade = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(server.url);
        const req = httpRequest({
          host: url.hostname,
          port: url.port,
          path: "/api/v1/events",
          headers: {
            connection: "Upgrade",
            upgrade: "websocket",
            "sec-websocket-version": "13",
            "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
            "sec-websocket-protocol": "weft",
            cookie,
            ...headers,
          },
        });
        req.on("response", (res) => {
          resolve(res.statusCode ?? 0);
          res.destroy();
        });
        req.on("upgrade", (_res, socket) => {
          socket.destroy();
          resolve(101);
        });
        req.on("error", reject);
        req.end();
      });
    expect(await upgrade({})).toBe(403);
    expect(await upgrade({ origin: "https://evil.example" })).toBe(403);
    expect(await upgrade({ origin: server.url })).toBe(101);
  });
});

describe("trusted proxies", () => {
  const forwarded = { "x-forwarded-proto": "https", "x-forwarded-host": "weft.proxy.test" };

  it("believes X-Forwarded-Proto from a trusted address: HSTS and a Secure cookie", async () => {
    const email = await createUser();
    const health = await fetchVia(`${server.url}/healthz`, {
      dispatcher: viaProxy,
      headers: forwarded,
    });
    expect(health.headers.get("strict-transport-security")).toBe(
      "max-age=15552000; includeSubDomains",
    );
    const signedIn = await fetchVia(`${server.url}/api/v1/session`, {
      dispatcher: viaProxy,
      method: "POST",
      headers: { ...forwarded, "content-type": "application/json" },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers.get("set-cookie")).toMatch(/; Secure(;|$)/);
  });

  it("ignores it from any other address", async () => {
    const email = await createUser();
    const health = await fetch(`${server.url}/healthz`, { headers: forwarded });
    expect(health.headers.get("strict-transport-security")).toBeNull();
    const { setCookie } = await signIn(email, PASSWORD, forwarded);
    expect(setCookie).not.toMatch(/Secure/);
  });

  it("takes the forwarded host and scheme as Weft's own origin only from the proxy", async () => {
    const { cookie } = await signIn(await createUser());
    const headers = {
      ...forwarded,
      cookie,
      origin: "https://weft.proxy.test",
      "content-type": "application/json",
    };
    const body = JSON.stringify({ name: "behind-proxy" });
    const proxied = await fetchVia(`${server.url}/api/v1/tokens`, {
      dispatcher: viaProxy,
      method: "POST",
      headers,
      body,
    });
    expect(proxied.status).toBe(201);
    const direct = await fetch(`${server.url}/api/v1/tokens`, { method: "POST", headers, body });
    await expectProblem(direct, 403, "forbidden");
  });
});

describe("sessions", () => {
  it("sets an HttpOnly, SameSite=Strict cookie for the whole site that lasts the TTL", async () => {
    const { setCookie } = await signIn(await createUser());
    expect(setCookie).toMatch(/^weft_session=wfs_[\w-]+;/);
    for (const part of ["Max-Age=604800", "Path=/", "HttpOnly", "SameSite=Strict"]) {
      expect(setCookie).toMatch(new RegExp(`; ${part}(;|$)`));
    }
    expect(setCookie).not.toMatch(/Secure/);
  });

  it("sets it Secure in production, even over plain HTTP", async () => {
    const production = await startTestServer({
      env: { WEFT_ENV: "production", WEFT_SECRET_KEY: "k".repeat(40) },
    });
    try {
      const user = { email: "prod@example.test", password: PASSWORD, role: "viewer" };
      await production.api("/api/v1/users", { method: "POST", json: user });
      const response = await fetch(`${production.url}/api/v1/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: user.email, password: PASSWORD }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("set-cookie")).toMatch(/; Secure(;|$)/);
    } finally {
      await production.close();
    }
  });

  it("rotates on sign-in: a fresh id, and the cookie signed in with ends", async () => {
    const email = await createUser();
    const old = (await signIn(email)).cookie;
    const fresh = (await signIn(email, PASSWORD, { cookie: old })).cookie;
    expect(fresh).not.toBe(old);

    const problem = await expectProblem(await whoAmI(old), 401, "unauthorized");
    expect(problem.detail).toBe("the session has ended: sign in again");
    expect(await sessionRow(old)).toBeUndefined();
    expect((await whoAmI(fresh)).status).toBe(200);
  });

  it("ends a session unused for the idle timeout, and deletes it", async () => {
    const { cookie } = await signIn(await createUser());
    await server.weft.store.db
      .updateTable("sessions")
      .set({ last_seen_at: Date.now() - DAY_MS - 1000 })
      .where("id_hash", "=", hashToken(cookie.split("=")[1]!))
      .execute();
    await expectProblem(await whoAmI(cookie), 401, "unauthorized");
    expect(await sessionRow(cookie)).toBeUndefined();
  });

  it("ends a session at its TTL however busy it is, and deletes it", async () => {
    const { cookie } = await signIn(await createUser());
    await server.weft.store.db
      .updateTable("sessions")
      .set({ expires_at: Date.now() - 1, last_seen_at: Date.now() })
      .where("id_hash", "=", hashToken(cookie.split("=")[1]!))
      .execute();
    await expectProblem(await whoAmI(cookie), 401, "unauthorized");
    expect(await sessionRow(cookie)).toBeUndefined();
  });

  it("records use at most once a minute", async () => {
    const { cookie } = await signIn(await createUser());
    const setLastSeen = (at: number) =>
      server.weft.store.db
        .updateTable("sessions")
        .set({ last_seen_at: at })
        .where("id_hash", "=", hashToken(cookie.split("=")[1]!))
        .execute();

    const recent = Date.now() - 10_000;
    await setLastSeen(recent);
    expect((await whoAmI(cookie)).status).toBe(200);
    expect((await sessionRow(cookie))?.last_seen_at).toBe(recent);

    const before = Date.now();
    await setLastSeen(before - 5 * 60_000);
    expect((await whoAmI(cookie)).status).toBe(200);
    expect((await sessionRow(cookie))?.last_seen_at).toBeGreaterThanOrEqual(before);
  });

  it("sweeps ended sessions of anyone when a session starts", async () => {
    const email = await createUser();
    const stale = (await signIn(email)).cookie;
    const idle = (await signIn(email)).cookie;
    const db = server.weft.store.db;
    const hashOf = (c: string) => hashToken(c.split("=")[1]!);
    await db
      .updateTable("sessions")
      .set({ expires_at: 1 })
      .where("id_hash", "=", hashOf(stale))
      .execute();
    await db
      .updateTable("sessions")
      .set({ last_seen_at: Date.now() - 2 * DAY_MS })
      .where("id_hash", "=", hashOf(idle))
      .execute();

    await signIn(await createUser());
    expect(await sessionRow(stale)).toBeUndefined();
    expect(await sessionRow(idle)).toBeUndefined();
  });
});

describe("changing a password", () => {
  const change = (cookie: string, body: unknown) =>
    post("/api/v1/session/password", body, { cookie, origin: server.url });

  it("ends all of the user's sessions and signs the caller in afresh", async () => {
    const email = await createUser();
    const mine = (await signIn(email)).cookie;
    const elsewhere = (await signIn(email)).cookie;
    const newPassword = "another-long-password";

    const response = await change(mine, { currentPassword: PASSWORD, newPassword });
    expect(response.status).toBe(204);
    const fresh = (response.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect(fresh).toMatch(/^weft_session=wfs_/);

    await expectProblem(await whoAmI(mine), 401, "unauthorized");
    await expectProblem(await whoAmI(elsewhere), 401, "unauthorized");
    expect(await (await whoAmI(fresh)).json()).toMatchObject({ email });

    const old = await post("/api/v1/session", { email, password: PASSWORD });
    await expectProblem(old, 401, "unauthorized");
    await signIn(email, newPassword);

    const audited = await server.weft.store.db
      .selectFrom("audit_log")
      .select(["actor_email", "outcome", "details"])
      .where("action", "=", "user.password")
      .where("target_id", "=", email)
      .execute();
    expect(audited).toEqual([{ actor_email: email, outcome: "success", details: null }]);
  });

  it("refuses a wrong current password with 403 and keeps the sessions", async () => {
    const { cookie } = await signIn(await createUser());
    const response = await change(cookie, {
      currentPassword: "not-the-password",
      newPassword: "another-long-password",
    });
    const problem = await expectProblem(response, 403, "forbidden");
    expect(problem.detail).toBe("currentPassword is wrong");
    expect((await whoAmI(cookie)).status).toBe(200);
  });

  it.each([
    ["short-pass1", "must be at least 12 characters long"],
    [PASSWORD, "must differ from currentPassword"],
  ])("refuses the new password %j with 422 naming newPassword", async (newPassword, message) => {
    const { cookie } = await signIn(await createUser());
    const response = await change(cookie, { currentPassword: PASSWORD, newPassword });
    const problem = await expectProblem(response, 422, "validation-failed");
    expect(problem.issues).toEqual([{ path: "newPassword", message }]);
    expect((await whoAmI(cookie)).status).toBe(200);
  });

  it("is a change like any other: refused from a foreign origin", async () => {
    const { cookie } = await signIn(await createUser());
    const response = await post(
      "/api/v1/session/password",
      { currentPassword: PASSWORD, newPassword: "another-long-password" },
      { cookie, origin: "https://evil.example" },
    );
    await expectProblem(response, 403, "forbidden");
    expect((await whoAmI(cookie)).status).toBe(200);
  });
});

describe("disabling a user", () => {
  it("ends their sessions at once", async () => {
    const email = await createUser();
    const { cookie } = await signIn(email);
    expect((await whoAmI(cookie)).status).toBe(200);

    const disabled = await server.api(`/api/v1/users/${email}/disable`, { method: "POST" });
    expect(disabled.status).toBe(204);
    await expectProblem(await whoAmI(cookie), 401, "unauthorized");
    const left = await server.weft.store.db
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .select("sessions.id_hash")
      .where("users.email", "=", email)
      .execute();
    expect(left).toEqual([]);
  });
});

describe("body limits", () => {
  let hookUrl: string;
  beforeAll(async () => {
    const workflow = await applyYaml(
      server,
      "name: limits\ntriggers: [{ type: webhook }]\nsteps:\n  - { id: a, type: log, with: { message: hi } }\n",
    );
    hookUrl = workflow.triggers[0]!.url!;
  });
  const deliver = (body: string | Buffer, type: string) =>
    fetch(hookUrl, { method: "POST", headers: { "content-type": type }, body });
  const items = (n: number) => Array.from({ length: n }, (_, i) => i);

  it("answers an API body over WEFT_MAX_BODY_BYTES with 413 naming the limit", async () => {
    const response = await server.api("/api/v1/workflows/limits/runs", {
      method: "POST",
      json: { input: "x".repeat(3000) },
    });
    const problem = await expectProblem(response, 413, "payload-too-large");
    expect(problem.detail).toBe(
      "the body is larger than the limit of 2048 bytes (WEFT_MAX_BODY_BYTES)",
    );
  });

  it("holds webhooks to WEFT_MAX_WEBHOOK_BYTES instead", async () => {
    const before = (await countRows(server)).runs;
    expect((await deliver(Buffer.alloc(5000, 1), "application/octet-stream")).status).toBe(202);
    const problem = await expectProblem(
      await deliver(Buffer.alloc(9000, 1), "application/octet-stream"),
      413,
      "payload-too-large",
    );
    expect(problem.detail).toBe(
      "the body is larger than the limit of 8192 bytes (WEFT_MAX_WEBHOOK_BYTES)",
    );
    expect((await countRows(server)).runs).toBe(before + 1);
  });

  it("answers an API JSON body with more keys and items than WEFT_MAX_JSON_KEYS with 413", async () => {
    const start = (input: unknown) =>
      server.api("/api/v1/workflows/limits/runs", { method: "POST", json: { input } });
    // `input` and its 99 items make 100 entries: at the limit.
    expect((await start(items(99))).status).toBe(202);
    const problem = await expectProblem(await start(items(100)), 413, "payload-too-large");
    expect(problem.detail).toBe(
      "the body holds more than 100 object keys and array items in all (WEFT_MAX_JSON_KEYS)",
    );
    const nested = { a: { b: items(50) }, c: items(48) };
    await expectProblem(await start(nested), 413, "payload-too-large");
  });

  it("holds a webhook's JSON body to the same count, and starts no run", async () => {
    const before = (await countRows(server)).runs;
    expect((await deliver(JSON.stringify({ list: items(99) }), "application/json")).status).toBe(
      202,
    );
    const problem = await expectProblem(
      await deliver(JSON.stringify({ list: items(100) }), "application/json"),
      413,
      "payload-too-large",
    );
    expect(problem.detail).toBe(
      "the body holds more than 100 object keys and array items in all (WEFT_MAX_JSON_KEYS)",
    );
    expect((await countRows(server)).runs).toBe(before + 1);
  });
});
