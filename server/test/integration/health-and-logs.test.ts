import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { generateToken, hashToken } from "../../src/auth/tokens.ts";
import { createUser } from "../../src/auth/users.ts";
import { loadConfig } from "../../src/config/config.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { PeriodicLoop } from "../../src/observability/periodic-loop.ts";
import { insertToken } from "../../src/store/users.ts";
import { createWeft, type Weft, type WeftRoles } from "../../src/weft.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real instance whose log lines are kept as parsed objects. */
async function startLogged(roles?: WeftRoles) {
  const dataDir = mkdtempSync(join(tmpdir(), "weft-logs-"));
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig({
    WEFT_DATA_DIR: dataDir,
    WEFT_PORT: "0",
    WEFT_SWEEP_INTERVAL: "100ms",
    WEFT_SHUTDOWN_GRACE: "1s",
  });
  const weft: Weft = await createWeft(config, createLogger("info", sink), roles);
  const url = await weft.start();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await weft.stop();
  };
  cleanups.push(async () => {
    await stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { weft, url, lines, dataDir, stop };
}

async function adminToken(weft: Weft): Promise<string> {
  const user = await createUser(weft.store.db, {
    email: "admin@example.test",
    password: "a-long-password",
    role: "admin",
  });
  const token = generateToken("weft");
  await insertToken(weft.store.db, {
    userId: user.id,
    name: "t",
    hash: hashToken(token),
    expiresAt: null,
  });
  return token;
}

describe("/readyz", () => {
  it("is ready with every part named when the store, workers and scheduler run", async () => {
    const { url } = await startLogged();
    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ready",
      checks: { store: "ok", migrations: "ok", workers: "ok", scheduler: "ok" },
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it("says which parts a process without workers or scheduler does not run", async () => {
    const { url } = await startLogged({ http: true, workers: false, scheduler: false });
    const body = await (await fetch(`${url}/readyz`)).json();
    expect(body).toMatchObject({ status: "ready", checks: { workers: "off", scheduler: "off" } });
  });

  it("answers 503 naming a store that is not fully migrated", async () => {
    const { url, dataDir } = await startLogged();
    const file = new Database(join(dataDir, "weft.db"));
    const last = file
      .prepare("select name from weft_migrations order by name desc limit 1")
      .get() as { name: string };
    file.prepare("delete from weft_migrations where name = ?").run(last.name);
    file.close();

    const response = await fetch(`${url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      status: "unavailable",
      failing: ["migrations"],
      checks: { migrations: `pending: ${last.name}` },
    });
  });
});

describe("periodic loops", () => {
  it("report stopped, failing after three failed passes, and stalled without passes", async () => {
    let now = 0;
    const loop = new PeriodicLoop({
      intervalMs: 1000,
      tick: async () => {},
      onError: () => {},
      now: () => now,
    });
    expect(loop.status()).toBe("stopped");
    loop.start();
    await loop.stop();
    loop.start();
    expect(loop.status()).toBe("ok");
    loop.recordPass(false);
    loop.recordPass(false);
    expect(loop.status()).toBe("ok");
    loop.recordPass(false);
    expect(loop.status()).toBe("failing");
    loop.recordPass(true);
    expect(loop.status()).toBe("ok");
    now += 30_001;
    expect(loop.status()).toBe("stalled");
    await loop.stop();
    expect(loop.status()).toBe("stopped");
  });

  it("never runs two passes at once and waits for the one under way on stop", async () => {
    let active = 0;
    let most = 0;
    let passes = 0;
    const loop = new PeriodicLoop({
      intervalMs: 1,
      tick: async () => {
        active += 1;
        most = Math.max(most, active);
        await new Promise((resolve) => setTimeout(resolve, 5));
        active -= 1;
        passes += 1;
      },
      onError: () => {},
    });
    loop.start();
    while (passes < 5) await new Promise((resolve) => setTimeout(resolve, 5));
    await loop.stop();
    expect(active).toBe(0);
    expect(most).toBe(1);
  });
});

describe("logs", () => {
  it("writes one line per request and per run transition, with credentials masked", async () => {
    const { weft, url, lines } = await startLogged();
    const token = await adminToken(weft);
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/yaml" };
    const saved = await fetch(`${url}/api/v1/workflows`, {
      method: "POST",
      headers,
      body: "name: logged\nsteps:\n  - id: a\n    type: log\n    with: { message: hello }\n",
    });
    expect(saved.status).toBe(201);
    const started = await fetch(`${url}/api/v1/workflows/logged/runs`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{}",
    });
    const { runId } = (await started.json()) as { runId: string };
    const ended = await weft.engine.waitForRun(runId, 10_000);
    expect(ended).toBe("succeeded");

    const requests = lines.filter((line) => line.msg === "request completed");
    expect(requests).toContainEqual(
      expect.objectContaining({
        method: "POST",
        route: "/api/v1/workflows/:id/runs",
        status: 202,
        requestId: expect.any(String),
        durationMs: expect.any(Number),
      }),
    );
    const transitions = lines.filter((line) => line.runId === runId).map((line) => line.msg);
    expect(transitions).toEqual(
      expect.arrayContaining(["run queued", "step started", "step log", "step succeeded"]),
    );
    expect(lines.find((l) => l.runId === runId && l.msg === "step log")).toMatchObject({
      stepId: "a",
      message: "hello",
      level: 30,
    });
    expect(lines.find((l) => l.runId === runId && l.msg === "step succeeded")).toMatchObject({
      stepId: "a",
      attempt: 1,
      durationMs: expect.any(Number),
    });
    expect(JSON.stringify(lines)).not.toContain(token);
  });

  it("masks authorization and cookie headers and credentials in logged objects", () => {
    const captured: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        captured.push(String(chunk));
        done();
      },
    });
    const logger = createLogger("info", sink);
    logger.info(
      {
        req: { headers: { authorization: "Bearer weft_abc", cookie: "weft_session=xyz" } },
        body: { password: "hunter2-hunter2", token: "tok-123" },
      },
      "incoming",
    );
    const text = captured.join("");
    for (const value of ["weft_abc", "weft_session=xyz", "hunter2-hunter2", "tok-123"])
      expect(text).not.toContain(value);
    expect(text).toContain("[redacted]");
  });
});
