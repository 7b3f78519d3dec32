import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer } from "../helpers/test-server.ts";

/** The weft command, spawned as a user would run it, on a fresh data folder. */

const BIN = join(import.meta.dirname, "..", "..", "bin", "weft.js");
let dir: string;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `weft …args` in the temp folder with only WEFT_DATA_DIR (and `env`) set. */
function weft(args: string[], env: Record<string, string> = {}): Promise<Result> {
  const clean: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: dir };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: dir, env: { ...clean, WEFT_DATA_DIR: join(dir, "data"), ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "weft-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("weft user", () => {
  it("refuses a bad role with exit 2 and a message naming --role", async () => {
    const result = await weft([
      ...["user", "create", "--email", "a@example.test"],
      ...["--password", "a-long-password", "--role", "root"],
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('weft: --role must be one of viewer, editor, admin, not "root"\n');
    expect(result.stdout).toBe("");
  });

  it("refuses a missing option with exit 2", async () => {
    const result = await weft(["user", "create", "--email", "a@example.test", "--role", "admin"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("weft: --password is required\n");
  });

  it("refuses a short password with exit 1 naming the rule", async () => {
    const result = await weft([
      ...["user", "create", "--email", "a@example.test"],
      ...["--password", "short", "--role", "admin"],
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("weft: password: must be at least 12 characters long\n");
  });

  it("creates a user with exit 0, and a second one with the same email fails", async () => {
    const args = [
      ...["user", "create", "--email", "Ops@Example.test"],
      ...["--password", "a-long-password", "--role", "admin"],
    ];
    const first = await weft(args);
    expect(first).toEqual({ code: 0, stdout: "created admin ops@example.test\n", stderr: "" });

    const again = await weft(args);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe("weft: a user with email ops@example.test already exists\n");
  });

  it("lists users", async () => {
    await weft([
      ...["user", "create", "--email", "viewer@example.test"],
      ...["--password", "a-long-password", "--role", "viewer"],
    ]);
    const result = await weft(["user", "list"]);
    expect(result).toEqual({
      code: 0,
      stdout: "ops@example.test\tadmin\nviewer@example.test\tviewer\n",
      stderr: "",
    });
  });
});

describe("weft token", () => {
  it("prints only a token line, and the token works against the API", async () => {
    const result = await weft(["token", "create", "--email", "ops@example.test", "--name", "ci"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^weft_[\w-]{43}\n$/);

    const server = await startTestServer({ dataDir: join(dir, "data"), noAdmin: true });
    try {
      const response = await fetch(`${server.url}/api/v1/session`, {
        headers: { authorization: `Bearer ${result.stdout.trim()}` },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ email: "ops@example.test", role: "admin" });
    } finally {
      await server.close();
    }
  });

  it("refuses an unknown email and bad --expires-days with exit 2", async () => {
    const unknown = await weft(["token", "create", "--email", "nobody@example.test"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("weft: no user has email nobody@example.test\n");

    const days = ["token", "create", "--email", "ops@example.test", "--expires-days", "0"];
    const bad = await weft(days);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("weft: --expires-days must be a whole number of days, 1 or more\n");
  });
});

describe("weft workflow apply", () => {
  const VALID = `
name: doubler
steps:
  - id: double
    type: transform
    with: { expression: 'trigger.input.n * 2' }
  - id: say
    type: log
    needs: [double]
    with: { message: "got {{ steps.double.output }}" }
`;

  it("applies a valid YAML file with exit 0, then reports it unchanged", async () => {
    const path = file("doubler.yaml", VALID);
    const first = await weft(["workflow", "apply", "-f", path]);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^created [0-9a-f-]{36} version 1\n$/);

    const again = await weft(["workflow", "apply", "--file", path]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^unchanged [0-9a-f-]{36} version 1\n$/);
  });

  it("refuses an invalid file with exit 1 and each issue path on stderr", async () => {
    const path = file(
      "broken.yaml",
      "name: broken\nsteps:\n  - { id: a, type: shell }\n  - { id: b, type: log, needs: [zzz], with: { message: hi } }\n",
    );
    const result = await weft(["workflow", "apply", "-f", path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toEqual([
      'weft: steps[1].needs[0]: references unknown step "zzz" (and 1 more)',
      'weft:   steps[1].needs[0]: references unknown step "zzz"',
      'weft:   steps[0].type: "shell" is not a step type: use one of delay, http, log, transform',
    ]);
  });

  it("refuses malformed YAML with exit 1 naming line and column", async () => {
    const path = file("bad.yaml", "name: x\nsteps:\n  - id: a\n   type: log\n");
    const result = await weft(["workflow", "apply", "-f", path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^weft: line \d+, column \d+: /);
  });

  it("refuses a missing file with exit 2", async () => {
    const result = await weft(["workflow", "apply", "-f", join(dir, "nope.yaml")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^weft: cannot read .*nope\.yaml: ENOENT/);
  });
});

describe("weft run", () => {
  it("runs a workflow with --input and --wait, printing steps and output", async () => {
    const result = await weft(["run", "doubler", "--input", '{"n":1}', "--wait"]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^run [0-9a-f-]{36} succeeded$/);
    expect(lines[1]).toMatch(/^ {2}double {15}succeeded {2}attempts=1 \d+ms$/);
    expect(lines[2]).toMatch(/^ {2}say {18}succeeded {2}attempts=1 \d+ms$/);
    expect(lines[3]).toBe('output: {"say":{"message":"got 2"}}');
    expect(lines).toHaveLength(4);
  });

  it("prints only the run id without --wait", async () => {
    const result = await weft(["run", "doubler", "--input", '{"n":2}']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[0-9a-f-]{36}\n$/);
  });

  it("exits 1 when the run fails, and prints the error", async () => {
    const path = file(
      "failing.yaml",
      `name: failing\nsteps:\n  - { id: boom, type: transform, with: { expression: '$error("boom")' } }\n`,
    );
    expect((await weft(["workflow", "apply", "-f", path])).code).toBe(0);
    const result = await weft(["run", "failing", "--wait"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^run [0-9a-f-]{36} failed\n/);
    expect(result.stdout).toMatch(/\n {2}boom {17}failed {5}attempts=1/);
    expect(result.stdout).toMatch(/\n {4}error: cannot evaluate expression at position 7: boom\n/);
    expect(result.stdout).toMatch(/\noutput: null\nerror: step "boom" failed: .*boom\n$/);
  });

  it("refuses --input that is not JSON with exit 2", async () => {
    const result = await weft(["run", "doubler", "--input", "not json", "--wait"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^weft: --input is not valid JSON: /);
  });

  it("refuses an unknown workflow and a bad --timeout with exit 2", async () => {
    const unknown = await weft(["run", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('weft: no workflow is named "nope"\n');

    const timeout = await weft(["run", "doubler", "--wait", "--timeout", "soon"]);
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toBe('weft: --timeout "soon" is not a duration like 60s\n');
  });
});

describe("usage and configuration", () => {
  it("refuses an unknown command with exit 2", async () => {
    const result = await weft(["frobnicate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('weft: unknown command "frobnicate": run weft --help\n');
  });

  it("refuses an unknown option with exit 2", async () => {
    const result = await weft(["user", "list", "--colour"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^weft: .*--colour/);
  });

  it("prints help with --help and exit 0, and with no command and exit 2", async () => {
    const help = await weft(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^weft: durable workflow automation\n/);
    expect((await weft([])).code).toBe(2);
  });

  it("names a bad WEFT_PORT and exits non-zero", async () => {
    const result = await weft(["user", "list"], { WEFT_PORT: "abc" });
    expect(result.code).toBe(78);
    expect(result.stderr).toBe(
      'weft: invalid configuration:\n  WEFT_PORT="abc": must be a whole number from 0 to 65535\n',
    );
    expect(result.stdout).toBe("");
  });
});
