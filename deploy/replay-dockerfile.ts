// Replays deploy/Dockerfile on this machine, for CI without a Docker engine: every stage gets a
// folder that stands for the image's `/`, COPY copies from the repository as the build context
// (honouring .dockerignore) or from an earlier stage's folder, RUN runs in the stage's WORKDIR
// with its ENV, and the final stage's CMD is started as an unprivileged user, probed with the
// HEALTHCHECK and stopped with the STOPSIGNAL.
//
// What an image has and this machine has otherwise stands in for it, and nothing more:
// - the base image's Node (`/usr/local`) is this process's Node, which must be the same major;
// - `apt-get install` is checked against the host's installed packages instead of run;
// - the user a RUN creates with useradd becomes `nobody` (65534) when run as root;
// - WEFT_HOST is 127.0.0.1, WEFT_PORT a free port, and WEFT_SECRET_KEY a fresh random key, as
//   an operator's env file would give one;
// - RUN sees this machine's npm registry, proxy and CA settings, which belong to the network.
//
// The steps live in replay/: dockerfile.ts parses, stage.ts replays a stage, final-stage.ts
// runs the server.
// Usage: node deploy/replay-dockerfile.ts [--keep]   (prints each step; exit 0 when healthy)
import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseStages, readDockerignore } from "./replay/dockerfile.ts";
import { type ReplayReport, runFinalStage } from "./replay/final-stage.ts";
import { replayStage, type StageState } from "./replay/stage.ts";

export { parseStages, readDockerignore, type ReplayReport };

export interface ReplayOptions {
  /** The repository: the build context and the home of deploy/Dockerfile and .dockerignore. */
  repoRoot: string;
  /** An empty folder to replay in, which the caller then owns; by default a temporary one. */
  workDir?: string;
  /** Keep the temporary folder for inspection instead of removing it. */
  keep?: boolean;
  log?: (line: string) => void;
}

/** Replays every stage, then runs, probes and stops the final stage's server. */
export async function replayDockerfile(options: ReplayOptions): Promise<ReplayReport> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const repoRoot = resolve(options.repoRoot);
  const stages = parseStages(readFileSync(join(repoRoot, "deploy/Dockerfile"), "utf8"));
  const ignored = readDockerignore(readFileSync(join(repoRoot, ".dockerignore"), "utf8"));
  const work = options.workDir ?? mkdtempSync(join(tmpdir(), "weft-replay-"));
  // The unprivileged server must reach its folders through this one.
  chmodSync(work, 0o755);

  try {
    const done = new Map<string, StageState>();
    for (const stage of stages) {
      log(`== stage ${stage.name} (FROM ${stage.base})`);
      const state = replayStage(stage, { work, repoRoot, ignored, done, log });
      done.set(stage.name, state);
    }
    const final = [...done.values()].at(-1);
    if (!final) throw new Error("the Dockerfile has no stage");
    return await runFinalStage(final, log);
  } finally {
    if (options.workDir) log(`replayed in ${work}`);
    else if (!options.keep) rmSync(work, { recursive: true, force: true });
    else log(`kept ${work}`);
  }
}

if (import.meta.main) {
  const repoRoot = fileURLToPath(new URL("..", import.meta.url));
  replayDockerfile({ repoRoot, keep: process.argv.includes("--keep") }).then(
    (report) => {
      const { root: _root, ...shown } = report;
      process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      const healthy = report.healthz.status === 200 && report.healthcheckExitCode === 0;
      process.exitCode = healthy && report.serverUid !== 0 && report.exit.code === 0 ? 0 : 1;
    },
    (error: unknown) => {
      process.stderr.write(`replay failed: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
