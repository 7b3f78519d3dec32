import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { format, ValidationSeverity, type ValidatorSettings, validate } from "dockerfile-utils";
import { afterAll, describe, expect, it } from "vitest";
import {
  parseStages,
  type ReplayReport,
  readDockerignore,
  replayDockerfile,
} from "../../../deploy/replay-dockerfile.ts";

/** deploy/Dockerfile without a Docker engine: linted, checked against our rules, and replayed. */

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const text = readFileSync(join(repoRoot, "deploy/Dockerfile"), "utf8");
const stages = parseStages(text);
const final = stages.at(-1)!;
const ignored = readDockerignore(readFileSync(join(repoRoot, ".dockerignore"), "utf8"));

/** Every check dockerfile-utils can make, as an error. */
const STRICT: ValidatorSettings = {
  deprecatedMaintainer: ValidationSeverity.ERROR,
  directiveCasing: ValidationSeverity.ERROR,
  emptyContinuationLine: ValidationSeverity.ERROR,
  instructionCasing: ValidationSeverity.ERROR,
  instructionCmdMultiple: ValidationSeverity.ERROR,
  instructionEntrypointMultiple: ValidationSeverity.ERROR,
  instructionHealthcheckMultiple: ValidationSeverity.ERROR,
  instructionJSONInSingleQuotes: ValidationSeverity.ERROR,
  instructionWorkdirRelative: ValidationSeverity.ERROR,
};

const steps = (keyword: string) => final.steps.filter((step) => step.keyword === keyword);
const env = new Map(steps("ENV").flatMap((step) => step.env ?? []));

describe("deploy/Dockerfile, linted", () => {
  it("has no finding from dockerfile-utils, with every check an error", () => {
    expect(validate(text, STRICT)).toEqual([]);
    // The same checks do find faults when there are some.
    const faulty = "FROM node:24\nEXPOSE http\nCMD node a\nCMD node b\n";
    expect(validate(faulty, STRICT).map((d) => d.message)).toEqual([
      "There can only be one CMD instruction in a Dockerfile or build stage. Only the last one will have an effect.",
      "Invalid containerPort: http",
    ]);
  });

  it("is laid out as dockerfile-utils formats it", () => {
    expect(format(text, { insertSpaces: true, tabSize: 2 })).toEqual([]);
  });

  it("builds on a pinned Node 24 slim image in two stages", () => {
    expect(stages.map((stage) => `${stage.name} ${stage.base}`)).toEqual([
      "build node:24-bookworm-slim",
      "1 node:24-bookworm-slim",
    ]);
    const installs = stages[0]!.steps.filter((step) => step.content.includes("apt-get install"));
    expect(installs.map((step) => step.content)).toEqual([
      expect.stringContaining("apt-get install -y --no-install-recommends python3 make g++"),
    ]);
    // The compiler stays in the build stage.
    expect(final.steps.some((step) => step.content.includes("apt-get"))).toBe(false);
  });

  it("runs Weft in production as an unprivileged user with its data in a volume", () => {
    expect(env.get("WEFT_ENV")).toBe("production");
    expect(env.get("WEFT_HOST")).toBe("0.0.0.0");
    expect(steps("EXPOSE").map((step) => step.content)).toEqual([env.get("WEFT_PORT")]);
    expect(JSON.parse(steps("VOLUME")[0]!.content)).toContain(env.get("WEFT_DATA_DIR"));

    const user = steps("USER").map((step) => step.content);
    expect(user).toEqual(["weft"]);
    const created = steps("RUN").find((step) => step.content.includes("useradd"))!.content;
    const uid = Number(/--uid (\d+)/.exec(created)?.[1]);
    expect(uid).toBeGreaterThanOrEqual(10000);
    expect(created).toContain("chown weft:weft /var/lib/weft");

    expect(steps("CMD").map((step) => JSON.parse(step.content))).toEqual([
      ["node", "server/bin/weft.js", "serve"],
    ]);
    expect(steps("HEALTHCHECK")[0]!.content).toContain('CMD ["node", "deploy/healthcheck.ts"]');
  });

  it("keeps local state, settings and secrets out of the build context", () => {
    for (const path of [".git/config", "node_modules/x", "server/node_modules/x", "data/weft.db"])
      expect(ignored(path), path).toBe(true);
    for (const path of [".env", "deploy/.env.production", "deploy/certs/privkey.pem"])
      expect(ignored(path), path).toBe(true);
    for (const path of ["package-lock.json", "server/src/weft.ts", "deploy/healthcheck.ts"])
      expect(ignored(path), path).toBe(false);
  });
});

describe("deploy/Dockerfile, replayed on this machine", () => {
  const workDir = mkdtempSync(join(tmpdir(), "weft-replay-"));
  const lines: string[] = [];
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  // npm ci compiles better-sqlite3 from source: minutes on two cores.
  it("installs, starts as nobody, answers its health check and stops on SIGTERM", {
    timeout: 20 * 60_000,
  }, async () => {
    let report: ReplayReport;
    try {
      report = await replayDockerfile({ repoRoot, workDir, log: (line) => lines.push(line) });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- replay log:\n${lines.join("\n")}`);
    }

    expect(report.healthz).toEqual({ status: 200, body: { status: "ok" } });
    expect(report.healthcheckExitCode).toBe(0);
    expect(report.imageUser).toBe("weft");
    expect(report.serverUid).not.toBe(0);
    if (process.getuid?.() === 0) expect(report.serverUid).toBe(65534);
    expect(report.dataFiles).toContainEqual({ name: "weft.db", uid: report.serverUid });
    expect(report.appWritableByServer).toBe(false);
    expect(report.exit).toEqual({ code: 0, signal: null });

    const modules = join(report.appDir, "node_modules");
    expect(existsSync(join(modules, "better-sqlite3/build/Release/better_sqlite3.node"))).toBe(
      true,
    );
    for (const dev of ["vitest", "typescript", "@biomejs/biome", "dockerfile-utils"])
      expect(existsSync(join(modules, dev)), dev).toBe(false);
  });
});
