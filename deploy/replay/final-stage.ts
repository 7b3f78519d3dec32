// The final stage's CMD run as an unprivileged user, probed, and stopped.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { buildEnv, inRoot, mapImagePath, NOBODY, type StageState } from "./stage.ts";

const HEALTH_TIMEOUT_MS = 60_000;

/** What the replay saw of the final stage's server. */
export interface ReplayReport {
  /** The final stage's `/` (inside `workDir`, or removed afterwards unless `keep`). */
  root: string;
  /** The final stage's WORKDIR inside `root`. */
  appDir: string;
  /** WEFT_DATA_DIR inside `root`. */
  dataDir: string;
  imageUser: string;
  serverUid: number;
  healthz: { status: number; body: unknown };
  healthcheckExitCode: number;
  /** Files in the data folder while the server ran, with their owners. */
  dataFiles: { name: string; uid: number }[];
  /** Whether the server's user could write into the application folder. */
  appWritableByServer: boolean;
  exit: { code: number | null; signal: NodeJS.Signals | null };
}

export async function runFinalStage(
  state: StageState,
  log: (line: string) => void,
): Promise<ReplayReport> {
  if (!state.cmd) throw new Error("the final stage has no CMD");
  if (!state.healthcheck) throw new Error("the final stage has no HEALTHCHECK");
  const imageUser = state.user ?? "root";
  if (!state.users.has(imageUser))
    throw new Error(`the final stage runs as ${imageUser}, not as a user it created`);

  const port = await findFreePort();
  const env: NodeJS.ProcessEnv = {
    ...buildEnv(state),
    WEFT_HOST: "127.0.0.1",
    WEFT_PORT: String(port),
    WEFT_SECRET_KEY: randomBytes(32).toString("base64"),
    ...(state.home ? { HOME: mapImagePath(state, state.home) } : {}),
  };
  const dataDir = env.WEFT_DATA_DIR ?? "";
  if (!dataDir.startsWith(state.root))
    throw new Error("WEFT_DATA_DIR is not a folder the image made");
  const appDir = inRoot(state, state.workdir);
  const run = (argv: string[]) => spawnAsServerUser(argv, { cwd: appDir, env });

  log(`== start ${state.cmd.join(" ")} on 127.0.0.1:${port}`);
  const server = run(state.cmd);
  let output = "";
  server.stdout?.on("data", (chunk: Buffer) => {
    output = (output + chunk).slice(-16_384);
  });
  server.stderr?.on("data", (chunk: Buffer) => {
    output = (output + chunk).slice(-16_384);
  });
  const exited = new Promise<ReplayReport["exit"]>((done) =>
    server.once("exit", (code, signal) => done({ code, signal })),
  );

  try {
    const healthz = await waitForHealth(`http://127.0.0.1:${port}/healthz`, server, () => output);
    const serverUid = readUid(server.pid!);
    log(`   /healthz ${healthz.status}, server uid ${serverUid}`);
    const healthcheckExitCode = await exitCodeOf(run(state.healthcheck));
    log(`   HEALTHCHECK exit ${healthcheckExitCode}`);
    const dataFiles = readdirSync(dataDir).map((name) => ({
      name,
      uid: statSync(join(dataDir, name)).uid,
    }));
    const probe = `require("node:fs").writeFileSync(${JSON.stringify(join(appDir, ".probe"))}, "")`;
    const appWritableByServer = (await exitCodeOf(run(["node", "-e", probe]))) === 0;

    server.kill(state.stopSignal);
    const exit = await exited;
    log(`   ${state.stopSignal}: exit ${exit.code ?? exit.signal}`);
    return {
      root: state.root,
      appDir,
      dataDir,
      imageUser,
      serverUid,
      healthz,
      healthcheckExitCode,
      dataFiles,
      appWritableByServer,
      exit,
    };
  } finally {
    if (server.exitCode === null && server.signalCode === null) server.kill("SIGKILL");
  }
}

/** Spawns argv (its `node` being this Node) as nobody when root, else as the current user. */
function spawnAsServerUser(
  argv: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): ChildProcess {
  const [program, ...args] = argv;
  const command = program === "node" ? process.execPath : program!;
  const asRoot = process.getuid?.() === 0;
  const drop = [`--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, "--clear-groups", "--"];
  return asRoot
    ? spawn("setpriv", [...drop, command, ...args], { ...options, stdio: "pipe" })
    : spawn(command, args, { ...options, stdio: "pipe" });
}

function exitCodeOf(child: ChildProcess): Promise<number> {
  return new Promise((done) => child.once("exit", (code) => done(code ?? 128)));
}

function readUid(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const uids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
  if (!uids) throw new Error(`no Uid line in /proc/${pid}/status`);
  // Real and effective: a process that could switch back to root does not count as dropped.
  return Math.min(Number(uids[1]), Number(uids[2]));
}

async function waitForHealth(url: string, server: ChildProcess, output: () => string) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null)
      throw new Error(`the server exited before it was healthy:\n${output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return { status: response.status, body: (await response.json()) as unknown };
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(`the server was not healthy after ${HEALTH_TIMEOUT_MS}ms:\n${output()}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === "string") throw new Error("no port was assigned");
  return address.port;
}
