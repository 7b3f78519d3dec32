import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import SQLite from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.ts";
import { loadSecretKeys } from "../../src/secrets/secret-keys.ts";
import { SecretStore } from "../../src/secrets/secret-store.ts";
import { openSqliteStore } from "../../src/store/database.ts";
import { type FakeService, sendJson, startFakeService } from "../helpers/fake-service.ts";
import { expectProblem } from "../helpers/problem.ts";
import {
  applyYaml,
  eventually,
  startRun,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

const BIN = fileURLToPath(new URL("../../bin/weft.js", import.meta.url));
const KEY_A = "key-a-0123456789abcdefghijklmnopqrstuvwxyz";
const KEY_B = "key-b-ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210";
const NAME_RULE =
  "must be 1 to 100 upper-case letters, digits or underscores, " +
  "starting with a letter (such as API_KEY)";
const ALLOW_LOOPBACK = { WEFT_HTTP_ALLOW_HOSTS: "127.0.0.1,localhost" };

const folders: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "weft-secrets-"));
  folders.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `weft …args` as a user would, on `dataDir`, with `input` piped to its stdin. */
function weft(dataDir: string, args: string[], env: Record<string, string>, input = "") {
  return new Promise<Result>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: dataDir,
      env: { PATH: process.env.PATH ?? "", HOME: dataDir, WEFT_DATA_DIR: dataDir, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** The secrets of a data folder, decrypted in this process as a server would. */
async function readSecrets(dataDir: string, env: Record<string, string>) {
  const config = loadConfig({ WEFT_DATA_DIR: dataDir, ...env });
  const store = openSqliteStore({ dataDir });
  try {
    return (await SecretStore.open(store.db, loadSecretKeys(config))).snapshot;
  } finally {
    await store.close();
  }
}

describe("the secrets API", () => {
  let server: TestServer;
  const answers: string[] = [];
  const VALUE = "api-value-9d8c7b6a5f4e";

  beforeAll(async () => {
    server = await startTestServer({ env: { WEFT_SECRET_KEY: KEY_A } });
  });
  afterAll(async () => {
    await server.close();
    for (const text of answers) expect(text).not.toContain(VALUE);
  });

  const call = async (method: string, name: string, json?: unknown, token?: string) => {
    const headers = token ? { authorization: `Bearer ${token}` } : undefined;
    const response = await server.api(`/api/v1/secrets/${name}`, { method, json, headers });
    answers.push(await response.clone().text());
    return response;
  };

  it("creates (201), replaces (200), lists, deletes (204, 404): metadata only", async () => {
    const created = await call("PUT", "API_KEY", { value: VALUE, description: "the API" });
    expect(created.status).toBe(201);
    const metadata = (await created.json()) as { createdAt: string };
    expect(metadata).toEqual({
      name: "API_KEY",
      description: "the API",
      createdAt: expect.any(String),
      updatedAt: metadata.createdAt,
      updatedBy: expect.stringMatching(/^admin\d+@example\.test$/),
    });

    const replaced = await call("PUT", "API_KEY", { value: `${VALUE}-2` });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ name: "API_KEY", description: "the API" });
    expect(server.weft.secrets.snapshot.API_KEY).toBe(`${VALUE}-2`);

    const list = await server.api("/api/v1/secrets");
    const listText = await list.text();
    answers.push(listText);
    expect(JSON.parse(listText).items).toEqual([
      expect.objectContaining({ name: "API_KEY", description: "the API" }),
    ]);
    expect(listText).not.toContain(`${VALUE}-2`);

    expect((await call("DELETE", "API_KEY")).status).toBe(204);
    const again = await expectProblem(await call("DELETE", "API_KEY"), 404, "not-found");
    expect(again.detail).toBe('secret "API_KEY" does not exist');
    expect(server.weft.secrets.snapshot.API_KEY).toBeUndefined();
  });

  it("records each change in the audit log, by name and never by value", async () => {
    await call("PUT", "AUDITED", { value: VALUE });
    await call("PUT", "AUDITED", { value: VALUE });
    await call("DELETE", "AUDITED");
    const rows = await server.weft.store.db
      .selectFrom("audit_log")
      .selectAll()
      .where("target_id", "=", "AUDITED")
      .orderBy("id")
      .execute();
    expect(rows.map((r) => [r.action, r.target_type, r.outcome])).toEqual([
      ["secret.create", "secret", "success"],
      ["secret.update", "secret", "success"],
      ["secret.delete", "secret", "success"],
    ]);
    expect(rows[0]!.actor_email).toMatch(/^admin\d+@example\.test$/);
    expect(JSON.stringify(rows)).not.toContain(VALUE);
  });

  it("is for admins only: editors and viewers get 403, strangers 401", async () => {
    for (const role of ["editor", "viewer"] as const) {
      const token = await server.tokenFor(role);
      const headers = { authorization: `Bearer ${token}` };
      const list = await server.api("/api/v1/secrets", { headers });
      const problem = await expectProblem(list, 403, "forbidden");
      expect(problem.detail).toBe(`this needs the admin role; you are ${role}`);
      await expectProblem(await call("PUT", "X", { value: VALUE }, token), 403, "forbidden");
      await expectProblem(await call("DELETE", "X", undefined, token), 403, "forbidden");
    }
    const stranger = await fetch(`${server.url}/api/v1/secrets`);
    await expectProblem(stranger, 401, "unauthorized");
    expect(server.weft.secrets.snapshot.X).toBeUndefined();
  });

  it("refuses bad names and values with the rule, never echoing the value", async () => {
    const badName = await expectProblem(
      await call("PUT", "api_key", { value: VALUE }),
      400,
      "bad-request",
    );
    expect(badName.detail).toBe(`params.name: ${NAME_RULE}`);
    const empty = await expectProblem(
      await call("PUT", "EMPTY", { value: "" }),
      400,
      "bad-request",
    );
    expect(empty.detail).toBe("body.value: must be 1 byte to 64 KiB (65536 bytes) of UTF-8");

    const huge = `${VALUE}${"x".repeat(64 * 1024)}`;
    const tooLarge = await call("PUT", "HUGE", { value: huge });
    expect((await expectProblem(tooLarge, 400, "bad-request")).detail).toBe(
      "body.value: must be 1 byte to 64 KiB (65536 bytes) of UTF-8",
    );
    const notString = await expectProblem(
      await call("PUT", "N", { value: 12345 }),
      400,
      "bad-request",
    );
    expect(notString.detail).toBe("body.value: must be a string");
    const extra = await call("PUT", "EXTRA", { value: VALUE, valu: VALUE });
    expect((await expectProblem(extra, 400, "bad-request")).detail).not.toContain(VALUE);

    const malformed = await server.api("/api/v1/secrets/BROKEN", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: `{"value": "${VALUE}`,
    });
    answers.push(await malformed.clone().text());
    await expectProblem(malformed, 400, "bad-request");
    expect(await server.weft.secrets.list()).toEqual([]);
  });
});

describe("keys", () => {
  it("rotates from the previous key, after which the old key is not needed", async () => {
    const dataDir = freshDir();
    const values = { ONE: "value-one-1111", TWO: "value-two-2222", THREE: "value-three-3333" };
    for (const [name, value] of Object.entries(values)) {
      const set = await weft(dataDir, ["secret", "set", name], { WEFT_SECRET_KEY: KEY_A }, value);
      expect(set).toEqual({ code: 0, stdout: `created secret ${name}\n`, stderr: "" });
    }

    const wrong = await weft(dataDir, ["secret", "list"], { WEFT_SECRET_KEY: KEY_B });
    expect(wrong.code).toBe(78);
    expect(wrong.stderr).toMatch(
      new RegExp(
        '^weft: invalid configuration:\\n  WEFT_SECRET_KEY_PREVIOUS="": ' +
          'secret "ONE" is encrypted with key [0-9a-f]{16}, ' +
          "not with WEFT_SECRET_KEY \\(key [0-9a-f]{16}\\): " +
          "set WEFT_SECRET_KEY_PREVIOUS to the key it was encrypted with, " +
          "then run `weft secret rotate-key`\\n$",
      ),
    );

    const both = { WEFT_SECRET_KEY: KEY_B, WEFT_SECRET_KEY_PREVIOUS: KEY_A };
    const rotated = await weft(dataDir, ["secret", "rotate-key"], both);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(
      /^re-encrypted 3 of 3 secrets under WEFT_SECRET_KEY \(key [0-9a-f]{16}\)\n$/,
    );
    const again = await weft(dataDir, ["secret", "rotate-key"], both);
    expect(again.stdout).toMatch(/^re-encrypted 0 of 3 secrets/);

    expect(await readSecrets(dataDir, { WEFT_SECRET_KEY: KEY_B })).toEqual(values);
    await expect(readSecrets(dataDir, { WEFT_SECRET_KEY: KEY_A })).rejects.toThrow(
      'secret "ONE" is encrypted with key',
    );
    const db = new SQLite(join(dataDir, "weft.db"), { readonly: true });
    const audited = db
      .prepare("select count(*) as n from audit_log where action = 'secret.rotate-key'")
      .get() as { n: number };
    db.close();
    expect(audited.n).toBe(3);
  });

  it("refuses to start a server when a secret was sealed with neither key", async () => {
    const dataDir = freshDir();
    await weft(dataDir, ["secret", "set", "OLD"], { WEFT_SECRET_KEY: KEY_A }, "old-value-xyz");
    const start = startTestServer({ dataDir, env: { WEFT_SECRET_KEY: KEY_B } });
    await expect(start).rejects.toThrow(ConfigError);
    await expect(start).rejects.toThrow(
      /secret "OLD" is encrypted with key \w{16}, not with WEFT_SECRET_KEY .*: set WEFT_SECRET_/,
    );
  });

  it("refuses to start when a ciphertext was altered or moved to another secret", async () => {
    const dataDir = freshDir();
    const env = { WEFT_SECRET_KEY: KEY_A };
    await weft(dataDir, ["secret", "set", "FIRST"], env, "first-value");
    await weft(dataDir, ["secret", "set", "SECOND"], env, "second-value");
    const db = new SQLite(join(dataDir, "weft.db"));
    const first = db.prepare("select ciphertext from secrets where name = 'FIRST'").get() as {
      ciphertext: string;
    };
    db.prepare("update secrets set ciphertext = ? where name = 'SECOND'").run(first.ciphertext);
    db.close();

    const start = startTestServer({ dataDir, env });
    await expect(start).rejects.toThrow(
      new RegExp(
        '^secret "SECOND" cannot be decrypted: the ciphertext does not open under key ' +
          "[0-9a-f]{16}: it was altered, or sealed for another name or key; " +
          "set it again with `weft secret set SECOND`$",
      ),
    );
  });

  it("keeps a development key in secret.key (0600), saying production needs one", async () => {
    const dataDir = freshDir();
    const lines: string[] = [];
    const logDestination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const first = await startTestServer({
      dataDir,
      env: { WEFT_LOG_LEVEL: "warn" },
      secrets: { DEV: "dev-value-abc" },
      logDestination,
    });
    await first.close();
    expect(statSync(join(dataDir, "secret.key")).mode & 0o777).toBe(0o600);
    const warning = JSON.parse(lines.find((l) => l.includes("development key"))!);
    expect(warning).toMatchObject({
      level: 40,
      keyFile: join(dataDir, "secret.key"),
      generated: true,
      msg: "secrets are encrypted with a development key file: production needs WEFT_SECRET_KEY",
    });

    lines.length = 0;
    const env = { WEFT_LOG_LEVEL: "info" };
    const second = await startTestServer({ dataDir, env, logDestination });
    expect(second.weft.secrets.snapshot).toEqual({ DEV: "dev-value-abc" });
    await second.close();
    const reminder = JSON.parse(lines.find((l) => l.includes("development key"))!);
    expect(reminder).toMatchObject({ level: 30, generated: false });
  });
});

describe("weft secret", () => {
  const env = { WEFT_SECRET_KEY: KEY_A };

  it("sets from stdin less one trailing newline, lists without values, and deletes", async () => {
    const dataDir = freshDir();
    const set = await weft(
      dataDir,
      ["secret", "set", "TOKEN", "--description", "chat bot"],
      env,
      "tok-3f2e1d\n\n",
    );
    expect(set).toEqual({ code: 0, stdout: "created secret TOKEN\n", stderr: "" });
    const file = join(dataDir, "value.txt");
    writeFileSync(file, "from-a-file-77\n");
    const fromFile = await weft(dataDir, ["secret", "set", "FILED", "--value-file", file], env);
    expect(fromFile.stdout).toBe("created secret FILED\n");
    expect(await readSecrets(dataDir, env)).toEqual({
      TOKEN: "tok-3f2e1d\n",
      FILED: "from-a-file-77",
    });

    const list = await weft(dataDir, ["secret", "list"], env);
    expect(list.code).toBe(0);
    const rows = list.stdout
      .trimEnd()
      .split("\n")
      .map((line) => line.split("\t"));
    expect(rows).toEqual([
      ["FILED", expect.stringMatching(/^\d{4}-\d\d-\d\dT/), "cli", ""],
      ["TOKEN", expect.stringMatching(/^\d{4}-\d\d-\d\dT/), "cli", "chat bot"],
    ]);
    expect(list.stdout).not.toContain("tok-3f2e1d");

    const deleted = await weft(dataDir, ["secret", "delete", "TOKEN"], env);
    expect(deleted).toEqual({ code: 0, stdout: "deleted secret TOKEN\n", stderr: "" });
    const gone = await weft(dataDir, ["secret", "delete", "TOKEN"], env);
    expect(gone).toEqual({ code: 1, stdout: "", stderr: 'weft: secret "TOKEN" does not exist\n' });
    expect(await readSecrets(dataDir, env)).toEqual({ FILED: "from-a-file-77" });
  });

  it("refuses an empty value, a bad name and a value given as an argument", async () => {
    const dataDir = freshDir();
    const empty = await weft(dataDir, ["secret", "set", "EMPTY"], env, "\n");
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe(
      "weft: the value from stdin is empty: " +
        'pipe it in, as in `printf %s "$TOKEN" | weft secret set NAME`, ' +
        "or pass --value-file PATH\n",
    );
    const badName = await weft(dataDir, ["secret", "set", "lower"], env, "v-123");
    expect(badName.code).toBe(1);
    expect(badName.stderr).toBe(`weft: name: ${NAME_RULE}\n`);
    const inArgs = await weft(dataDir, ["secret", "set", "NAME", "in-argv-value"], env);
    expect(inArgs.code).toBe(2);
    expect(inArgs.stderr).not.toContain("in-argv-value");
    expect(await readSecrets(dataDir, env)).toEqual({});
  });
});

describe("a running server", () => {
  let server: TestServer;
  let service: FakeService;
  const env = { WEFT_SECRET_KEY: KEY_A, ...ALLOW_LOOPBACK };

  beforeAll(async () => {
    service = await startFakeService((_req, res) => sendJson(res, 200, { ok: true }));
    server = await startTestServer({ dataDir: freshDir(), env });
    await applyYaml(
      server,
      `
name: live-secret
steps:
  - id: call
    type: http
    with: { url: "${service.url}/live", headers: { x-live: "{{ secrets.LIVE }}" } }
`,
    );
  });
  afterEach(() => {
    service.requests.length = 0;
  });
  afterAll(async () => {
    await server.close();
    await service.close();
  });

  const runOnce = async () => waitForRunEnd(server, await startRun(server, "live-secret"));
  const cli = (args: string[], input?: string) => weft(server.dataDir, args, env, input);

  it("sees a secret set, replaced and deleted through the CLI while it runs", async () => {
    const before = await runOnce();
    expect(before.steps[0]!.error).toMatchObject({
      kind: "missing-secret",
      message:
        "secrets.LIVE is not set: add it with `weft secret set LIVE` or PUT /api/v1/secrets/LIVE",
    });

    expect((await cli(["secret", "set", "LIVE"], "live-one")).code).toBe(0);
    await eventually(async () => server.weft.secrets.snapshot.LIVE, 10_000, "the new secret");
    expect((await runOnce()).status).toBe("succeeded");
    expect(service.requests.at(-1)!.headers["x-live"]).toBe("live-one");

    expect((await cli(["secret", "set", "LIVE"], "live-two")).code).toBe(0);
    await eventually(
      async () => (server.weft.secrets.snapshot.LIVE === "live-two" ? true : undefined),
      10_000,
      "the replaced secret",
    );
    expect((await runOnce()).status).toBe("succeeded");
    expect(service.requests.at(-1)!.headers["x-live"]).toBe("live-two");

    expect((await cli(["secret", "delete", "LIVE"])).code).toBe(0);
    await eventually(
      async () => (server.weft.secrets.snapshot.LIVE === undefined ? true : undefined),
      10_000,
      "the deletion",
    );
    expect((await runOnce()).steps[0]!.error).toMatchObject({ kind: "missing-secret" });
  });
});
