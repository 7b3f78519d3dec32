import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** `weft serve` as a process, failing to start: it must exit, with the documented code. */

const BIN = join(import.meta.dirname, "..", "..", "bin", "weft.js");
let dir: string;
let taken: Server;
let takenPort: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "weft-start-"));
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  takenPort = (taken.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => taken.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function serve(env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, "serve"],
      {
        cwd: dir,
        env: { PATH: process.env.PATH ?? "", HOME: dir, WEFT_LOG_FORMAT: "json", ...env },
        timeout: 20_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, output: stdout + stderr });
      },
    );
  });
}

describe("weft serve that cannot start", () => {
  it("exits 1 on a taken port, even with scheduled backups and retention running", async () => {
    const result = await serve({
      WEFT_DATA_DIR: join(dir, "port"),
      WEFT_PORT: String(takenPort),
      WEFT_BACKUP_SCHEDULE: "* * * * * *",
      WEFT_RUN_RETENTION: "1h",
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain("the port is taken: set WEFT_PORT to a free one");
  });

  it("exits 78 with the configuration lines when a TLS file is not a certificate", async () => {
    const result = await serve({
      WEFT_DATA_DIR: join(dir, "tls"),
      WEFT_PORT: "0",
      WEFT_TLS_CERT: BIN,
      WEFT_TLS_KEY: BIN,
    });
    expect(result.code).toBe(78);
    expect(result.output).toMatch(/^weft: invalid configuration:\n {2}WEFT_TLS_CERT=/m);
  });
});
