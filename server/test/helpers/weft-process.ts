import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const WEFT_BIN = fileURLToPath(new URL("../../bin/weft.js", import.meta.url));
/** How much of a process's output is kept, for the message when it misbehaves. */
const OUTPUT_TAIL = 16 * 1024;

/** A real `weft serve` in its own process group, which a test can kill and start again. */
export interface WeftProcess {
  url: string;
  port: number;
  dataDir: string;
  /** The pid of the running server, or undefined while it is down. */
  readonly pid: number | undefined;
  /** Spawns `weft serve` and resolves once /healthz answers. */
  start(): Promise<void>;
  /** SIGKILLs the server's process group and resolves once the server has exited. */
  kill(): Promise<void>;
  /** SIGTERMs the server and waits for a clean exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
  /** Runs another `weft` command on the same settings and returns what it printed. */
  cli(args: string[]): Promise<string>;
  /** The server's recent stdout and stderr, across restarts. */
  output(): string;
}

export interface WeftProcessOptions {
  dataDir: string;
  /** More WEFT_* settings; they override the defaults below. */
  env?: Record<string, string>;
}

/** Prepares a `weft serve` on `dataDir` and a free loopback port; call start() to run it. */
export async function createWeftProcess(options: WeftProcessOptions): Promise<WeftProcess> {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    WEFT_DATA_DIR: options.dataDir,
    WEFT_HOST: "127.0.0.1",
    WEFT_PORT: String(port),
    WEFT_LEASE_DURATION: "1s",
    WEFT_SWEEP_INTERVAL: "200ms",
    WEFT_SHUTDOWN_GRACE: "1s",
    WEFT_LOG_LEVEL: "warn",
    // The fake services that http steps call listen on loopback, refused by default.
    WEFT_HTTP_ALLOW_HOSTS: "127.0.0.1,localhost",
    ...options.env,
  };
  // The data folder is the working folder so that no stray .env file is read.
  const spawnOptions = { env, cwd: options.dataDir };
  let child: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL);
  };

  const requireDown = (what: string) => {
    if (child) throw new Error(`cannot ${what}: weft serve (pid ${child.pid}) is still running`);
  };
  const exitOf = (proc: ChildProcess) =>
    proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : once(proc, "exit");

  return {
    url,
    port,
    dataDir: options.dataDir,
    get pid() {
      return child?.pid;
    },
    async start() {
      requireDown("start");
      const proc = spawn(process.execPath, [WEFT_BIN, "serve"], {
        ...spawnOptions,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
      proc.stdout.on("data", keep);
      proc.stderr.on("data", keep);
      child = proc;
      exited = exitOf(proc).then(() => {
        if (child === proc) child = undefined;
      });
      await waitForHealth(url, proc, () => output);
    },
    async kill() {
      const proc = child;
      if (!proc?.pid) return;
      killGroup(proc.pid, "SIGKILL");
      await exited;
    },
    async stop(graceMs = 5_000) {
      const proc = child;
      if (!proc?.pid) return;
      killGroup(proc.pid, "SIGTERM");
      const timer = setTimeout(() => proc.pid && killGroup(proc.pid, "SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async cli(args) {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [WEFT_BIN, ...args],
        spawnOptions,
      );
      return stdout;
    },
    output: () => output,
  };
}

/** Signals the whole process group led by `pid`; a group that is already gone is fine. */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

/** A port that was free a moment ago: bound on 127.0.0.1 by the kernel's choice, then released. */
async function findFreePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("no port was assigned");
  return address.port;
}

async function waitForHealth(
  url: string,
  proc: ChildProcess,
  output: () => string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      const how = proc.signalCode ?? `code ${proc.exitCode}`;
      throw new Error(`weft serve exited (${how}) before it was healthy:\n${output()}`);
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(`weft serve was not healthy after ${timeoutMs}ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
