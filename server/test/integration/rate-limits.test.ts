import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRows, expectProblem } from "../helpers/problem.ts";
import { applyYaml, eventually, startTestServer, type TestServer } from "../helpers/test-server.ts";

/** Rate limits and the sign-in lockout, over real HTTP against real servers. */

const PASSWORD = "a-long-password";
const HOOK_YAML = (name: string) =>
  `name: ${name}\ntriggers: [{ type: webhook }]\nsteps:\n  - { id: a, type: log, with: { message: hi } }\n`;

let emails = 0;
/** Creates a user through the API and returns their email. */
async function createUser(server: TestServer): Promise<string> {
  emails += 1;
  const email = `user${emails}@example.test`;
  const response = await server.api("/api/v1/users", {
    method: "POST",
    json: { email, password: PASSWORD, role: "viewer" },
  });
  expect(response.status, await response.text()).toBe(201);
  return email;
}

const signIn = (server: TestServer, email: string, password: string) =>
  fetch(`${server.url}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });

/** POSTs JSON from another loopback address, so the server sees a different client. */
function postFrom(
  localAddress: string,
  url: string,
  json: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(json);
    const outgoing = httpRequest(
      url,
      {
        method: "POST",
        localAddress,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (incoming) => {
        let text = "";
        incoming.setEncoding("utf8");
        incoming.on("data", (chunk: string) => {
          text += chunk;
        });
        incoming.on("end", () => resolve({ status: incoming.statusCode ?? 0, body: text }));
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

async function expectRateLimited(response: Response, what: RegExp) {
  const retryAfter = response.headers.get("retry-after");
  const problem = await expectProblem(response, 429, "rate-limited");
  expect(problem.title).toBe("Too many requests");
  expect(problem.detail).toMatch(what);
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(60);
  return problem;
}

describe("sign-in attempts per client address", () => {
  let server: TestServer;
  let email: string;
  beforeAll(async () => {
    server = await startTestServer({ env: { WEFT_RATE_LIMIT_SIGNIN: "3/1m" } });
    email = await createUser(server);
  });
  afterAll(() => server.close());

  it("answers the attempt past the limit with 429, Retry-After and a problem document", async () => {
    for (const who of ["nobody@example.test", "someone@example.test", email]) {
      expect((await signIn(server, who, "not-the-password")).status).toBe(401);
    }
    const refused = await signIn(server, email, PASSWORD);
    await expectRateLimited(
      refused,
      /^too many sign-in attempts from this address: at most 3 per 1m/,
    );
    expect(refused.headers.get("set-cookie")).toBeNull();
  });

  it("counts each address apart", async () => {
    const other = await postFrom("127.0.0.2", `${server.url}/api/v1/session`, {
      email,
      password: PASSWORD,
    });
    expect(other.status, other.body).toBe(200);
  });

  it("leaves the API alone", async () => {
    expect((await server.api("/api/v1/workflows")).status).toBe(200);
  });
});

/** What a client can see of a refused sign-in, less the request id that every answer has. */
async function seen(response: Response) {
  const body = (await response.json()) as Record<string, unknown>;
  delete body.requestId;
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    contentLength: response.headers.get("content-length"),
    retryAfter: response.headers.get("retry-after"),
    setCookie: response.headers.get("set-cookie"),
    headerNames: [...response.headers.keys()].sort(),
    body,
  };
}

describe("sign-in lockout", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      env: { WEFT_SIGNIN_LOCKOUT_AFTER: "3", WEFT_RATE_LIMIT_SIGNIN: "1000/1m" },
    });
  });
  afterAll(() => server.close());

  const failThrice = async (email: string) => {
    for (let i = 0; i < 3; i += 1)
      expect((await signIn(server, email, "not-the-password")).status).toBe(401);
  };

  it("refuses the right password after 3 failures, as it refuses an unknown email", async () => {
    const email = await createUser(server);
    const plainWrong = await seen(await signIn(server, email, "not-the-password"));
    await signIn(server, email, PASSWORD);

    await failThrice(email);
    const locked = await seen(await signIn(server, email, PASSWORD));
    await failThrice("ghost@example.test");
    const unknown = await seen(await signIn(server, "ghost@example.test", PASSWORD));

    expect(locked.status).toBe(401);
    expect(locked.body).toMatchObject({ detail: "email or password is wrong" });
    expect(locked.setCookie).toBeNull();
    expect(locked.retryAfter).toBeNull();
    expect(unknown).toEqual(locked);
    expect(plainWrong).toEqual(locked);
  });

  it("locks an email whatever its case", async () => {
    const email = await createUser(server);
    await failThrice(email.toUpperCase());
    expect((await signIn(server, email, PASSWORD)).status).toBe(401);
  });

  it("starts the count over after a success", async () => {
    const email = await createUser(server);
    for (let round = 0; round < 3; round += 1) {
      for (let i = 0; i < 2; i += 1)
        expect((await signIn(server, email, "not-the-password")).status).toBe(401);
      expect((await signIn(server, email, PASSWORD)).status).toBe(200);
    }
  });

  it("lets an admin lift a lock, and only an admin", async () => {
    const email = await createUser(server);
    await failThrice(email);
    const path = `/api/v1/users/${encodeURIComponent(email)}/unlock`;

    const editor = await server.tokenFor("editor");
    await expectProblem(
      await server.api(path, { method: "POST", headers: { authorization: `Bearer ${editor}` } }),
      403,
      "forbidden",
    );
    expect((await signIn(server, email, PASSWORD)).status).toBe(401);

    expect((await server.api(path, { method: "POST" })).status).toBe(204);
    expect((await signIn(server, email, PASSWORD)).status).toBe(200);
  });
});

describe("the end of a lock", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      env: {
        WEFT_SIGNIN_LOCKOUT_AFTER: "2",
        WEFT_SIGNIN_LOCKOUT: "1s",
        WEFT_RATE_LIMIT_SIGNIN: "1000/1m",
      },
    });
  });
  afterAll(() => server.close());

  it("lets the right password in once lockoutMs has passed", async () => {
    const email = await createUser(server);
    for (let i = 0; i < 2; i += 1)
      expect((await signIn(server, email, "not-the-password")).status).toBe(401);

    // The audit log tells that the second failure set the lock, whatever time has passed.
    const audit = await server.api(`/api/v1/audit?action=session.create&actor=${email}`);
    const entries = ((await audit.json()) as { items: { details: unknown }[] }).items;
    expect(entries[0]!.details).toEqual({ reason: "bad-credentials", locked: true });

    await eventually(
      async () => ((await signIn(server, email, PASSWORD)).status === 200 ? true : undefined),
      10_000,
      "the lock to end",
    );
  });
});

describe("API requests per token, session or address", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { WEFT_RATE_LIMIT_API: "5/1m" } });
  });
  afterAll(() => server.close());

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { headers });

  it("refuses the sixth request with one token and still serves another token", async () => {
    const first = await server.tokenFor("viewer");
    const second = await server.tokenFor("viewer");
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    for (let i = 0; i < 5; i += 1)
      expect((await get("/api/v1/runs", auth(first))).status).toBe(200);

    await expectRateLimited(
      await get("/api/v1/runs", auth(first)),
      /^too many API requests with this API token: at most 5 per 1m; try again in \d+s$/,
    );
    expect((await get("/api/v1/runs", auth(second))).status).toBe(200);
  });

  it("counts a session by itself", async () => {
    const email = await createUser(server);
    const signedIn = await signIn(server, email, PASSWORD);
    const cookie = signedIn.headers.get("set-cookie")!.split(";")[0]!;
    for (let i = 0; i < 5; i += 1)
      expect((await get("/api/v1/session", { cookie })).status).toBe(200);
    await expectRateLimited(await get("/api/v1/session", { cookie }), /in this session/);
  });

  it("counts calls without a credential by client address", async () => {
    for (let i = 0; i < 5; i += 1) expect((await get("/api/v1/workflows")).status).toBe(401);
    await expectRateLimited(await get("/api/v1/workflows"), /from this address/);
  });

  it("never limits health checks, the API docs or webhook deliveries", async () => {
    const token = await server.tokenFor("editor");
    const hook = await applyYaml(
      { ...server, api: (path, init) => server.api(path, withBearer(init, token)) },
      HOOK_YAML("api-limit-hook"),
    );
    for (let i = 0; i < 8; i += 1) {
      for (const path of ["/healthz", "/readyz", "/api/openapi.json"])
        expect((await get(path)).status, path).not.toBe(429);
      expect((await fetch(hook.triggers[0]!.url!, { method: "POST" })).status).toBe(202);
    }
  });
});

describe("API requests with refused credentials", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { WEFT_RATE_LIMIT_API: "5/1m" } });
  });
  afterAll(() => server.close());

  const withToken = (token: string) =>
    fetch(`${server.url}/api/v1/runs`, { headers: { authorization: `Bearer ${token}` } });

  it("counts made-up tokens against their address, not each against itself", async () => {
    const madeUp = () => `wft_${crypto.randomUUID().replaceAll("-", "")}`;
    for (let i = 0; i < 5; i += 1) expect((await withToken(madeUp())).status).toBe(401);
    await expectRateLimited(
      await withToken(madeUp()),
      /^too many requests with unknown or ended credentials from this address: at most 5 per 1m; try again in \d+s$/,
    );
    // A stale cookie is a refused credential too.
    const cookie = { cookie: "weft_session=not-a-session" };
    await expectRateLimited(
      await fetch(`${server.url}/api/v1/runs`, { headers: cookie }),
      /unknown or ended/,
    );
    // For the rest of the window the address is refused whatever it presents.
    await expectRateLimited(await withToken(await server.tokenFor("viewer")), /unknown or ended/);
  });
});

function withBearer(init: RequestInit | undefined, token: string): RequestInit {
  const headers = new Headers(init?.headers);
  headers.set("authorization", `Bearer ${token}`);
  return { ...init, headers };
}

describe("webhook deliveries per workflow", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { WEFT_RATE_LIMIT_WEBHOOK: "3/1m" } });
  });
  afterAll(() => server.close());

  it("answers 429 past the limit before a run is stored, per workflow", async () => {
    const limited = await applyYaml(server, HOOK_YAML("limited-hook"));
    const other = await applyYaml(server, HOOK_YAML("other-hook"));
    const url = limited.triggers[0]!.url!;
    const before = (await countRows(server)).runs;

    // Deliveries without the key do not spend the workflow's allowance.
    const wrongKey = url.replace(/\/[^/]+$/, "/wfh_wrong");
    for (let i = 0; i < 5; i += 1)
      expect((await fetch(wrongKey, { method: "POST" })).status).toBe(404);

    for (let i = 0; i < 3; i += 1) expect((await fetch(url, { method: "POST" })).status).toBe(202);
    await expectRateLimited(
      await fetch(url, { method: "POST" }),
      new RegExp(`^too many webhook deliveries to workflow ${limited.id}: at most 3 per 1m`),
    );
    expect((await countRows(server)).runs).toBe(before + 3);

    expect((await fetch(other.triggers[0]!.url!, { method: "POST" })).status).toBe(202);
    expect((await countRows(server)).runs).toBe(before + 4);
  });
});
