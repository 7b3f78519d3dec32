import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
  closeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KNOWN_MIGRATIONS } from "../../src/store/migrate.ts";
import { createWeftProcess, type WeftProcess } from "../helpers/weft-process.ts";

/**
 * Backups, restores and retention on real files, with real `weft` processes: a server that
 * keeps writing while another process copies its store, and restores checked table by table.
 */

const BIN = new URL("../../bin/weft.js", import.meta.url).pathname;
const LATEST = KNOWN_MIGRATIONS.at(-1)!;

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "weft-backup-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `weft …args` on `dataDir` with a clean environment, whatever its exit code. */
function weft(dataDir: string, args: string[], env: Record<string, string> = {}): Promise<Result> {
  const clean = { PATH: process.env.PATH ?? "", HOME: root, WEFT_LOG_LEVEL: "warn" };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: root, env: { ...clean, WEFT_DATA_DIR: dataDir, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A new folder under the test's root. */
function folder(name: string): string {
  const path = join(root, name);
  mkdirSync(path, { recursive: true });
  return path;
}

const open = (file: string) => new Database(file, { readonly: true, fileMustExist: true });

function tablesOf(db: Database.Database): string[] {
  return db
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
    .pluck()
    .all() as string[];
}

/** Per table: its row count and a sha256 over every row, in primary key order. */
function fingerprint(file: string): Record<string, { rows: number; sha256: string }> {
  const db = open(file);
  try {
    const result: Record<string, { rows: number; sha256: string }> = {};
    for (const table of tablesOf(db).sort()) {
      const columns = db.prepare(`pragma table_info("${table}")`).all() as {
        name: string;
        pk: number;
      }[];
      const key = columns
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => `"${c.name}"`);
      const order = key.length > 0 ? key.join(", ") : "rowid";
      const hash = createHash("sha256");
      let rows = 0;
      for (const row of db.prepare(`select * from "${table}" order by ${order}`).iterate()) {
        hash.update(`${JSON.stringify(row)}\n`);
        rows += 1;
      }
      result[table] = { rows, sha256: hash.digest("hex") };
    }
    return result;
  } finally {
    db.close();
  }
}

function pragma(file: string, name: string): unknown {
  const db = open(file);
  try {
    return db.pragma(name, { simple: true });
  } finally {
    db.close();
  }
}

/** A server with an admin token, and a way to start runs through its API. */
async function startServer(dataDir: string, env: Record<string, string> = {}) {
  const server = await createWeftProcess({ dataDir, env });
  await server.cli([
    ...["user", "create", "--email", "admin@example.test"],
    ...["--password", "a-long-password", "--role", "admin"],
  ]);
  const token = (await server.cli(["token", "create", "--email", "admin@example.test"])).trim();
  await server.start();
  const api = (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    }
    return fetch(`${server.url}${path}`, { ...init, headers, body });
  };
  return { server, api };
}

type Api = Awaited<ReturnType<typeof startServer>>["api"];

async function saveWorkflow(api: Api, yaml: string): Promise<void> {
  const response = await api("/api/v1/workflows", {
    method: "POST",
    headers: { "content-type": "application/yaml" },
    body: yaml,
  });
  if (response.status !== 201) throw new Error(`saving failed: ${await response.text()}`);
}

async function startRun(api: Api, workflow: string, input: unknown = {}): Promise<string> {
  const response = await api(`/api/v1/workflows/${workflow}/runs`, {
    method: "POST",
    json: { input },
  });
  const body = (await response.json()) as { runId: string };
  if (response.status !== 202) throw new Error(`starting failed: ${JSON.stringify(body)}`);
  return body.runId;
}

const TWO_STEPS = `
name: two-steps
steps:
  - id: shape
    type: transform
    with: { expression: '{ "n": trigger.input.n, "pad": trigger.input.pad }' }
  - id: say
    type: log
    needs: [shape]
    with: { message: "n is {{ steps.shape.output.n }}" }
`;

/** Starts runs one after another until `stop()`; resolves with how many it started. */
function keepWriting(api: Api) {
  let stopped = false;
  let started = 0;
  const done = (async () => {
    while (!stopped) {
      await startRun(api, "two-steps", { n: started, pad: "x".repeat(500) });
      started += 1;
    }
    return started;
  })();
  const stop = () => {
    stopped = true;
    return done;
  };
  return { started: () => started, stop };
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe("weft backup and weft restore", () => {
  let dataDir: string;
  let server: WeftProcess;
  let backupFile: string;

  beforeAll(async () => {
    dataDir = folder("live");
    const started = await startServer(dataDir);
    server = started.server;
    await saveWorkflow(started.api, TWO_STEPS);

    const writer = keepWriting(started.api);
    await until("the first runs", () => writer.started() >= 30);
    backupFile = join(folder("copies"), "live.db");
    const backup = await weft(dataDir, ["backup", "--to", backupFile]);
    const before = writer.started();
    await until("runs after the backup", () => writer.started() >= before + 30);
    await writer.stop();

    expect(backup.stderr).toBe("");
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain(`backed up ${join(dataDir, "weft.db")} to ${backupFile}`);
    expect(backup.stdout).toContain(`  schema     ${LATEST}\n`);
    expect(backup.stdout).toContain(`  bytes      ${statSync(backupFile).size}\n`);
    expect(backup.stdout).toContain("  integrity  ok\n");
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  it("copies the store as of one commit while the server writes, and the copy checks out", () => {
    expect(pragma(backupFile, "integrity_check")).toBe("ok");
    expect(pragma(backupFile, "journal_mode")).toBe("delete");
    expect(existsSync(`${backupFile}-wal`)).toBe(false);
    const db = open(backupFile);
    try {
      // One snapshot: no attempt without its step run, no step run without its run.
      expect(db.pragma("foreign_key_check")).toEqual([]);
      const orphans = db
        .prepare("select count(*) from events where run_id not in (select id from runs)")
        .pluck()
        .get();
      expect(orphans).toBe(0);
      const runs = db.prepare("select count(*) from runs").pluck().get() as number;
      expect(runs).toBeGreaterThanOrEqual(30);
    } finally {
      db.close();
    }
    const live = open(join(dataDir, "weft.db"));
    const liveRuns = live.prepare("select count(*) from runs").pluck().get() as number;
    live.close();
    expect(liveRuns).toBeGreaterThan(fingerprint(backupFile).runs!.rows);
  });

  it("prints the row counts of the copy", async () => {
    const again = join(root, "copies", "counted.db");
    const result = await weft(dataDir, ["backup", "--to", again]);
    expect(result.code).toBe(0);
    for (const [table, { rows }] of Object.entries(fingerprint(again))) {
      if (table.startsWith("weft_migrations")) continue;
      expect(result.stdout).toMatch(new RegExp(`\\n    ${table} +${rows}\\n`));
    }
  });

  it("refuses to overwrite a file unless --force", async () => {
    const refused = await weft(dataDir, ["backup", "--to", backupFile]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`weft: ${backupFile} exists: choose another name, or --force\n`);

    const forced = join(root, "copies", "forced.db");
    writeFileSync(forced, "not a store");
    const result = await weft(dataDir, ["backup", "--to", forced, "--force"]);
    expect(result.code).toBe(0);
    expect(pragma(forced, "integrity_check")).toBe("ok");
    expect(readdirSync(join(root, "copies")).filter((n) => n.includes(".partial-"))).toEqual([]);
  });

  it("writes the backup readable by its owner only, whatever the umask", async () => {
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);
  });

  it("names the path and the cause in one line when the backup cannot be written", async () => {
    // A path under a regular file fails with ENOTDIR for any user, root included.
    const file = join(root, "copies", "file.txt");
    writeFileSync(file, "a file, not a folder");
    const target = join(file, "b.db");
    const result = await weft(dataDir, ["backup", "--to", target]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `weft: cannot write the backup to ${target}: a part of the path is a file, not a folder\n`,
    );
  });

  it("refuses to restore while the server runs, naming its pid", async () => {
    const result = await weft(dataDir, ["restore", "--from", backupFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`in use by weft (pid ${server.pid},`);
    expect(result.stderr).toContain(join(dataDir, "weft.lock"));
  });

  it("refuses a second weft serve on the same data folder", async () => {
    const second = await createWeftProcess({ dataDir });
    await expect(second.start()).rejects.toThrow(/exited \(code 1\) before it was healthy/);
    expect(second.output()).toContain("the data folder is in use by another weft");
    expect(second.output()).toContain(`lockedBy: ${server.pid}`);
    // The first one still serves.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it("restores into a fresh data folder: the same rows and checksums as the backup", async () => {
    const fresh = join(root, "fresh");
    const result = await weft(fresh, ["restore", "--from", backupFile]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`restored ${backupFile} into ${join(fresh, "weft.db")}\n`);
    expect(result.stdout).toContain("there was no store there before\n");
    expect(fingerprint(join(fresh, "weft.db"))).toEqual(fingerprint(backupFile));
    expect(existsSync(join(fresh, "weft.lock"))).toBe(false);
  });

  it("restores the store readable by its owner only, even from a world-readable backup", async () => {
    const open = join(root, "copies", "world-readable.db");
    copyFileSync(backupFile, open);
    chmodSync(open, 0o644);
    const target = join(root, "private");
    const result = await weft(target, ["restore", "--from", open]);
    expect(result.code).toBe(0);
    expect(statSync(join(target, "weft.db")).mode & 0o777).toBe(0o600);
  });

  it("names the folder and the cause in one line when it cannot restore there", async () => {
    const file = join(root, "copies", "not-a-folder.txt");
    writeFileSync(file, "a file, not a folder");
    const target = join(file, "data");
    const result = await weft(target, ["restore", "--from", backupFile]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `weft: cannot restore into ${target}: a part of the path is a file, not a folder\n`,
    );
  });

  it("restores into the original folder once stopped, moving the old store aside", async () => {
    await server.stop();
    const liveBefore = fingerprint(join(dataDir, "weft.db"));

    const result = await weft(dataDir, ["restore", "--from", backupFile]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const aside = readdirSync(dataDir).filter((name) => name.includes(".before-restore-"));
    expect(aside).toHaveLength(1);
    expect(aside[0]).toMatch(/^weft\.db\.before-restore-\d{8}T\d{6}Z$/);
    expect(result.stdout).toContain(`the store that was there is now ${join(dataDir, aside[0]!)}`);
    expect(existsSync(join(dataDir, "weft.db-wal"))).toBe(false);

    expect(fingerprint(join(dataDir, "weft.db"))).toEqual(fingerprint(backupFile));
    expect(fingerprint(join(dataDir, aside[0]!))).toEqual(liveBefore);

    // And the server starts on it again, with every run of the backup.
    await server.start();
    const db = open(join(dataDir, "weft.db"));
    const runs = db.prepare("select count(*) from runs").pluck().get();
    db.close();
    expect(runs).toBe(fingerprint(backupFile).runs!.rows);
  });

  it("refuses a truncated file with the integrity message", async () => {
    const broken = join(root, "copies", "truncated.db");
    copyFileSync(backupFile, broken);
    truncateSync(broken, Math.floor(statSync(broken).size / 2));
    const result = await weft(folder("truncated"), ["restore", "--from", broken]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^weft: ${broken} failed the integrity check: `));
    expect(readdirSync(join(root, "truncated"))).toEqual([]);
  });

  it("refuses a file with flipped bytes with the integrity message", async () => {
    const broken = join(root, "copies", "flipped.db");
    copyFileSync(backupFile, broken);
    const pageSize = pragma(broken, "page_size") as number;
    const pages = statSync(broken).size / pageSize;
    const fd = openSync(broken, "r+");
    // The first bytes of every other page: b-tree page headers and pointer-map entries.
    for (let page = 1; page < pages; page += 2)
      writeSync(fd, Buffer.alloc(12, 0xa5), 0, 12, page * pageSize);
    closeSync(fd);
    const result = await weft(folder("flipped"), ["restore", "--from", broken]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^weft: ${broken} failed the integrity check: `));
  });

  it("refuses a store from a newer schema, naming the migration it does not know", async () => {
    const newer = join(root, "copies", "newer.db");
    copyFileSync(backupFile, newer);
    const db = new Database(newer);
    db.prepare("insert into weft_migrations (name, timestamp) values (?, ?)").run(
      "9999-future",
      new Date().toISOString(),
    );
    db.close();
    const result = await weft(folder("newer"), ["restore", "--from", newer]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `weft: ${newer} has a newer schema than this build: it has 9999-future, and this build ` +
        `knows up to ${LATEST}: restore it with the Weft that made it\n`,
    );
  });

  it("refuses an SQLite file that is not a Weft store", async () => {
    const other = join(root, "copies", "other.db");
    const db = new Database(other);
    db.exec("create table notes (id integer primary key, text text)");
    db.close();
    const result = await weft(folder("other"), ["restore", "--from", other]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `weft: ${other} is not a Weft store: it has no weft_migrations table\n`,
    );
  });

  it("accepts an older schema and says what the next start migrates", async () => {
    const older = join(root, "copies", "older.db");
    copyFileSync(backupFile, older);
    const db = new Database(older);
    db.prepare("delete from weft_migrations where name = ?").run(LATEST);
    db.close();
    const result = await weft(join(root, "older"), ["restore", "--from", older]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`  schema     ${KNOWN_MIGRATIONS.at(-2)}\n`);
    expect(result.stdout).toContain(`  migrated at the next start: ${LATEST}\n`);
  });

  it("takes over a lock whose process is gone, with a warning", async () => {
    const target = folder("stale");
    writeFileSync(join(target, "weft.lock"), "999999999\n");
    const result = await weft(target, ["restore", "--from", backupFile]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      "weft: warning: took over the lock left by pid 999999999, which is gone\n",
    );
    expect(existsSync(join(target, "weft.lock"))).toBe(false);
  });
});

describe("scheduled backups", () => {
  it("writes backups on the cron schedule and keeps only the newest WEFT_BACKUP_KEEP", {
    timeout: 60_000,
  }, async () => {
    const dataDir = folder("scheduled");
    const backups = join(dataDir, "backups");
    mkdirSync(backups);
    writeFileSync(join(backups, "notes.txt"), "not a backup");
    writeFileSync(join(backups, "weft-manual.db"), "kept too");
    const { server } = await startServer(dataDir, {
      WEFT_BACKUP_SCHEDULE: "* * * * * *",
      WEFT_BACKUP_KEEP: "2",
      WEFT_LOG_LEVEL: "info",
    });
    try {
      const isBackup = (name: string) => /^weft-\d{8}T\d{6}Z\.db$/.test(name);
      const seen = new Set<string>();
      let most = 0;
      await until(
        "five scheduled backups",
        () => {
          const names = readdirSync(backups).filter(isBackup);
          for (const name of names) seen.add(name);
          most = Math.max(most, names.length);
          return seen.size >= 5;
        },
        30_000,
      );
      expect(most).toBe(2);
      const left = readdirSync(backups).filter(isBackup).sort();
      expect(left.length).toBeLessThanOrEqual(2);
      expect(pragma(join(backups, left.at(-1)!), "integrity_check")).toBe("ok");
      expect(readdirSync(backups)).toEqual(expect.arrayContaining(["notes.txt", "weft-manual.db"]));
      await until("a backup to be logged", () =>
        /backup written\n(.*\n)*? +bytes: \d+/.test(server.output()),
      );
    } finally {
      await server.stop();
    }
  });
});

describe("run retention", () => {
  /** Its run stays running for a day, in a durable delay. */
  const HOLD = `
name: hold
steps:
  - id: pause
    type: delay
    with: { duration: 1d }
`;
  const DAY = 86_400_000;

  /** Ages every run in the file by two days, whatever its status. */
  function ageRuns(file: string): void {
    const db = new Database(file);
    db.pragma("busy_timeout = 5000");
    const old = Date.now() - 2 * DAY;
    db.prepare("update runs set created_at = ?, ended_at = ?").run(old, old);
    db.close();
  }

  function counts(file: string) {
    const db = open(file);
    try {
      const count = (sql: string) => db.prepare(sql).pluck().get() as number;
      return {
        runs: count("select count(*) from runs"),
        ended: count(
          "select count(*) from runs where status in ('succeeded','failed','cancelled')",
        ),
        open: count("select count(*) from runs where status in ('queued','running')"),
        stepRuns: count("select count(*) from step_runs"),
        attempts: count("select count(*) from attempts"),
        events: count("select count(*) from events"),
        orphans: count(
          "select (select count(*) from step_runs where run_id not in (select id from runs))" +
            " + (select count(*) from attempts where run_id not in (select id from runs))" +
            " + (select count(*) from events where run_id not in (select id from runs))",
        ),
      };
    } finally {
      db.close();
    }
  }

  async function ranRuns(api: Api, ended: number, held: number) {
    await saveWorkflow(api, TWO_STEPS);
    await saveWorkflow(api, HOLD);
    for (let n = 0; n < held; n += 1) await startRun(api, "hold");
    for (let n = 0; n < ended; n += 1)
      await startRun(api, "two-steps", { n, pad: "y".repeat(2000) });
  }

  it("weft prune deletes old ended runs with their children, keeps open ones, frees pages", {
    timeout: 60_000,
  }, async () => {
    const dataDir = folder("prune-cli");
    const { server, api } = await startServer(dataDir);
    const file = join(dataDir, "weft.db");
    await ranRuns(api, 600, 3);
    await until("the runs to end", () => counts(file).ended === 600, 30_000);
    await server.stop();
    // With no server to work them, runs started from the command line stay queued.
    for (let n = 0; n < 2; n += 1) expect((await weft(dataDir, ["run", "two-steps"])).code).toBe(0);

    ageRuns(file);
    const before = counts(file);
    const pagesBefore = pragma(file, "page_count") as number;
    const result = await weft(dataDir, ["prune", "--older-than", "1d"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);

    const after = counts(file);
    expect(after).toMatchObject({ runs: 5, ended: 0, open: 5, orphans: 0 });
    expect(after.stepRuns).toBe(before.stepRuns - 600 * 2);
    const gone = (what: "stepRuns" | "attempts" | "events") => before[what] - after[what];
    expect(result.stdout).toMatch(
      new RegExp(
        `^pruned 600 runs ended before \\S+ \\(${gone("stepRuns")} step runs, ` +
          `${gone("attempts")} attempts, ${gone("events")} events\\); freed \\d+ pages\\n$`,
      ),
    );
    expect(pragma(file, "auto_vacuum")).toBe(2);
    expect(pragma(file, "freelist_count")).toBe(0);
    expect(pragma(file, "page_count") as number).toBeLessThan(pagesBefore / 2);
    expect(Number(/freed (\d+) pages/.exec(result.stdout)![1])).toBe(
      pagesBefore - (pragma(file, "page_count") as number),
    );
  });

  it("the server prunes on its interval when WEFT_RUN_RETENTION is set", {
    timeout: 60_000,
  }, async () => {
    const dataDir = folder("prune-serve");
    const { server, api } = await startServer(dataDir, {
      WEFT_RUN_RETENTION: "1d",
      WEFT_PRUNE_INTERVAL: "1s",
      WEFT_LOG_LEVEL: "info",
    });
    try {
      const file = join(dataDir, "weft.db");
      await ranRuns(api, 50, 2);
      await until("the runs to end", () => counts(file).ended === 50, 30_000);
      // Written from outside while it serves, as an operator's sqlite3 would.
      ageRuns(file);
      await until("the old runs to be pruned", () => counts(file).runs === 2, 30_000);
      expect(counts(file)).toMatchObject({ open: 2, orphans: 0 });
      // Each prune logs one line; the busy minutes before may have pushed the first out.
      await until("a prune to be logged", () => server.output().includes("runs pruned"));
      expect(pragma(file, "auto_vacuum")).toBe(2);
      await until("the pages to be returned", () => pragma(file, "freelist_count") === 0);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it("prunes audit entries older than WEFT_AUDIT_RETENTION, on the server and from the CLI", {
    timeout: 60_000,
  }, async () => {
    const dataDir = folder("prune-audit");
    const file = join(dataDir, "weft.db");
    const retention = { WEFT_AUDIT_RETENTION: "30d", WEFT_PRUNE_INTERVAL: "1s" };
    const { server, api } = await startServer(dataDir, { ...retention, WEFT_LOG_LEVEL: "info" });
    const auditCount = () =>
      open(file).prepare("select count(*) from audit_log").pluck().get() as number;
    try {
      for (const name of ["first", "second", "third"])
        await saveWorkflow(
          api,
          `name: ${name}\nsteps:\n  - { id: a, type: log, with: { message: hi } }\n`,
        );
      // The admin's creation and token from the CLI, and the three saves.
      await until("five audit entries", () => auditCount() === 5);
      // All but the newest made 31 days old from outside, as an operator's sqlite3 would;
      // the newest 29 days old.
      const db = new Database(file);
      const day = 24 * 60 * 60 * 1000;
      const ids = db.prepare("select id from audit_log order by at").pluck().all() as string[];
      const age = db.prepare("update audit_log set at = at - ? where id = ?");
      for (const id of ids) age.run((id === ids.at(-1) ? 29 : 31) * day, id);
      db.close();
      await until("the old entries to be pruned", () => auditCount() === 1);
      await until("the prune to be logged", () => server.output().includes("audit log pruned"));
    } finally {
      await server.stop();
    }
    const db = new Database(file);
    db.prepare("update audit_log set at = at - ?").run(2 * 24 * 60 * 60 * 1000);
    db.close();
    const result = await weft(dataDir, ["prune", "--older-than", "1d"], retention);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^pruned 1 audit entries recorded before \S+\npruned 0 runs/);
    expect(auditCount()).toBe(0);
  });

  it("converts an older store to incremental auto-vacuum once, at open", async () => {
    const dataDir = folder("convert");
    const file = join(dataDir, "weft.db");
    const db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.exec("create table filler (id integer primary key, text text)");
    db.close();
    expect(pragma(file, "auto_vacuum")).toBe(0);

    const result = await weft(dataDir, ["migrate"]);
    expect(result.code).toBe(0);
    expect(pragma(file, "auto_vacuum")).toBe(2);
  });

  it("logs the conversion for an older store only, never for a new one", async () => {
    const older = folder("convert-logged");
    const db = new Database(join(older, "weft.db"));
    db.exec("create table filler (id integer primary key, text text)");
    db.close();
    const fresh = folder("new-store");
    const logs: Record<string, string> = {};
    for (const dataDir of [older, fresh]) {
      const server = await createWeftProcess({ dataDir, env: { WEFT_LOG_LEVEL: "info" } });
      await server.start();
      await server.stop();
      logs[dataDir] = server.output();
      expect(pragma(join(dataDir, "weft.db"), "auto_vacuum")).toBe(2);
    }
    expect(logs[older]).toContain("store converted to auto-vacuum");
    expect(logs[fresh]).not.toContain("store converted to auto-vacuum");
    expect(logs[fresh]).not.toContain("store not converted");
  });
});
