import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWeftProcess } from "../helpers/weft-process.ts";
import {
  applyYaml,
  eventually,
  startRun,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

/**
 * A live feed ends with the credential that opened it: at once when this process revokes a
 * token, disables a user, signs out or changes a password, and at the next re-check when the
 * CLI (another process) disables the user.
 */

const PASSWORD = "a-long-password";
const WORKFLOW = `
name: revocation-feed
steps:
  - id: a
    type: transform
    with: { expression: '1' }
`;

let server: TestServer;
/** A second server on a short re-check, for changes made by another process. */
let rechecking: TestServer;

beforeAll(async () => {
  const env = { WEFT_RATE_LIMIT_SIGNIN: "off" };
  [server, rechecking] = await Promise.all([
    // No re-check within a test: what closes these feeds is the in-process notice.
    startTestServer({ env: { ...env, WEFT_LIVE_FEED_RECHECK: "1h" } }),
    startTestServer({ env: { ...env, WEFT_LIVE_FEED_RECHECK: "200ms" } }),
  ]);
  await Promise.all([applyYaml(server, WORKFLOW), applyYaml(rechecking, WORKFLOW)]);
});
afterAll(async () => {
  await Promise.all([server?.close(), rechecking?.close()]);
});

let users = 0;
/** Creates an editor through the API and returns their email. */
async function createUser(on: TestServer): Promise<string> {
  users += 1;
  const email = `feed${users}@example.test`;
  const response = await on.api("/api/v1/users", {
    method: "POST",
    json: { email, password: PASSWORD, role: "editor" },
  });
  expect(response.status).toBe(201);
  return email;
}

/** Signs in and returns the `weft_session=…` pair. */
async function signIn(on: TestServer, email: string, password = PASSWORD): Promise<string> {
  const response = await fetch(`${on.url}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  expect(response.status).toBe(200);
  return (response.headers.get("set-cookie") ?? "").split(";")[0]!;
}

/** Creates an API token for the signed-in user; returns its id and secret. */
async function createToken(on: TestServer, cookie: string) {
  const response = await on.api("/api/v1/tokens", {
    method: "POST",
    headers: { cookie, origin: on.url, authorization: "" },
    json: { name: "feed" },
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; token: string };
}

interface Feed {
  socket: WebSocket;
  events: { runId: string }[];
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens a live feed subscribed to every run, signed by a token or a session cookie. */
async function openFeed(
  on: TestServer,
  credential: { token: string } | { cookie: string },
): Promise<Feed> {
  const url = `${on.url.replace(/^http/, "ws")}/api/v1/events`;
  // Node's WebSocket (undici) takes headers here, as a browser sends its cookie and Origin.
  const socket =
    "token" in credential
      ? new WebSocket(url, ["weft", `bearer.${credential.token}`])
      : new WebSocket(url, {
          protocols: ["weft"],
          headers: { cookie: credential.cookie, origin: on.url },
        } as unknown as string[]);
  const events: { runId: string }[] = [];
  let subscribed = false;
  socket.addEventListener("message", (m) => {
    const message = JSON.parse(String(m.data)) as { type: string; event?: { runId: string } };
    if (message.type === "subscribed") subscribed = true;
    if (message.type === "event") events.push(message.event!);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })),
  );
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener("open", () => resolve(), { once: true });
    socket.addEventListener("error", () => reject(new Error("the feed did not open")), {
      once: true,
    });
  });
  socket.send(JSON.stringify({ type: "subscribe", all: true }));
  await eventually(async () => subscribed || undefined, 10_000, "the subscription");
  return { socket, events, closed };
}

/** A run that the open feed relays, proving it delivers before the credential ends. */
async function expectRelayed(on: TestServer, feed: Feed): Promise<void> {
  const runId = await startRun(on, "revocation-feed");
  await waitForRunEnd(on, runId);
  await eventually(async () => feed.events.some((e) => e.runId === runId) || undefined);
}

/** Waits for the close, then shows that a run started afterwards reaches the client not at all. */
async function expectClosedByRevocation(on: TestServer, feed: Feed): Promise<void> {
  const { code, reason } = await feed.closed;
  expect(code).toBe(4401);
  expect(reason).toMatch(/^credential (revoked|expired)$/);

  const delivered = feed.events.length;
  const runId = await startRun(on, "revocation-feed");
  await waitForRunEnd(on, runId);
  expect(feed.events.length).toBe(delivered);
  expect(feed.events.some((e) => e.runId === runId)).toBe(false);
}

describe("a live feed whose credential ends in this process", () => {
  it("closes when its API token is revoked", async () => {
    const { id, token } = await createToken(server, await signIn(server, await createUser(server)));
    const feed = await openFeed(server, { token });
    await expectRelayed(server, feed);

    const revoked = await server.api(`/api/v1/tokens/${id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(revoked.status).toBe(204);
    await expectClosedByRevocation(server, feed);
  });

  it("closes token and session feeds of a user who is disabled", async () => {
    const email = await createUser(server);
    const cookie = await signIn(server, email);
    const { token } = await createToken(server, cookie);
    const byToken = await openFeed(server, { token });
    const byCookie = await openFeed(server, { cookie });
    // Another user's feed stays open.
    const other = await openFeed(server, { token: server.token });

    const disabled = await server.api(`/api/v1/users/${email}/disable`, { method: "POST" });
    expect(disabled.status).toBe(204);
    await expectClosedByRevocation(server, byToken);
    await expectClosedByRevocation(server, byCookie);
    await expectRelayed(server, other);
    expect(other.socket.readyState).toBe(WebSocket.OPEN);
    other.socket.close();
  });

  it("closes a session's feed when it signs out, and not the user's token feed", async () => {
    const cookie = await signIn(server, await createUser(server));
    const { token } = await createToken(server, cookie);
    const feed = await openFeed(server, { cookie });
    const byToken = await openFeed(server, { token });
    await expectRelayed(server, feed);

    const out = await fetch(`${server.url}/api/v1/session`, {
      method: "DELETE",
      headers: { cookie, origin: server.url },
    });
    expect(out.status).toBe(204);
    await expectClosedByRevocation(server, feed);
    await expectRelayed(server, byToken);
    byToken.socket.close();
  });

  it("closes every session's feed of a user who changes their password", async () => {
    const email = await createUser(server);
    const [first, second] = [await signIn(server, email), await signIn(server, email)];
    const feeds = [
      await openFeed(server, { cookie: first }),
      await openFeed(server, { cookie: second }),
    ];
    await expectRelayed(server, feeds[0]!);

    const changed = await fetch(`${server.url}/api/v1/session/password`, {
      method: "POST",
      headers: { cookie: first, origin: server.url, "content-type": "application/json" },
      body: JSON.stringify({ currentPassword: PASSWORD, newPassword: "another-long-password" }),
    });
    expect(changed.status).toBe(204);
    for (const feed of feeds) await expectClosedByRevocation(server, feed);

    // The fresh session the change hands out opens a feed as usual.
    const fresh = (changed.headers.get("set-cookie") ?? "").split(";")[0]!;
    const after = await openFeed(server, { cookie: fresh });
    await expectRelayed(server, after);
    after.socket.close();
  });
});

describe("a live feed whose credential ends in another process", () => {
  it("closes at the next re-check after `weft user disable`", async () => {
    const email = await createUser(rechecking);
    const cookie = await signIn(rechecking, email);
    const { token } = await createToken(rechecking, cookie);
    const byToken = await openFeed(rechecking, { token });
    const byCookie = await openFeed(rechecking, { cookie });
    await expectRelayed(rechecking, byToken);

    const cli = await createWeftProcess({ dataDir: rechecking.dataDir });
    expect(await cli.cli(["user", "disable", "--email", email])).toContain(`disabled ${email}`);
    await expectClosedByRevocation(rechecking, byToken);
    await expectClosedByRevocation(rechecking, byCookie);
  });

  it("closes at the next re-check when the token is revoked straight in the store", async () => {
    const { id, token } = await createToken(
      rechecking,
      await signIn(rechecking, await createUser(rechecking)),
    );
    const feed = await openFeed(rechecking, { token });
    await expectRelayed(rechecking, feed);

    // As another process would: the store changes, and this process hears nothing of it.
    await rechecking.weft.store.db
      .updateTable("api_tokens")
      .set({ revoked_at: Date.now() })
      .where("id", "=", id)
      .execute();
    await expectClosedByRevocation(rechecking, feed);
  });
});
