// One stage of deploy/Dockerfile replayed in a folder that stands for the image's `/`.
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, cpSync, existsSync, mkdirSync, statSync } from "node:fs";
import { basename, dirname, join, posix, relative } from "node:path";
import { parseExecForm, parseList, type Stage, type Step, unsupported } from "./dockerfile.ts";

export const NOBODY = { uid: 65534, gid: 65534 };

/** Where the official node images keep Node, its headers included. */
const IMAGE_NODE_PREFIX = "/usr/local";
const NETWORK_SETTINGS =
  /^(npm_config_\w+|(https?|no)_proxy|NODE_EXTRA_CA_CERTS|SSL_CERT_(FILE|DIR))$/i;

/** What a stage left behind once replayed. */
export interface StageState {
  stage: Stage;
  root: string;
  workdir: string;
  env: Map<string, string>;
  user: string | undefined;
  /** Users a RUN created, by name, with the uid the image gives them. */
  users: Map<string, number>;
  /** The home folder of the last user a RUN created: Docker's HOME for that USER. */
  home: string | undefined;
  cmd: string[] | undefined;
  healthcheck: string[] | undefined;
  stopSignal: NodeJS.Signals;
  volumes: string[];
}

export interface ReplayContext {
  work: string;
  repoRoot: string;
  ignored: (path: string) => boolean;
  done: Map<string, StageState>;
  log: (line: string) => void;
}

export function replayStage(stage: Stage, context: ReplayContext): StageState {
  requireSameNode(stage.base);
  const root = join(context.work, stage.name);
  mkdirSync(root, { mode: 0o755 });
  const state: StageState = {
    stage,
    root,
    workdir: "/",
    env: new Map(),
    user: undefined,
    users: new Map(),
    home: undefined,
    cmd: undefined,
    healthcheck: undefined,
    stopSignal: "SIGTERM",
    volumes: [],
  };
  for (const step of stage.steps) {
    const flags = [...step.flags].map(([name, value]) => `--${name}=${value} `).join("");
    context.log(`-- ${step.keyword} ${flags}${step.content}`);
    applyStep(state, step, context);
  }
  return state;
}

function applyStep(state: StageState, step: Step, context: ReplayContext): void {
  switch (step.keyword) {
    case "WORKDIR":
      state.workdir = posix.resolve(state.workdir, step.content);
      mkdirSync(inRoot(state, state.workdir), { recursive: true, mode: 0o755 });
      return;
    case "ENV":
      for (const [name, value] of step.env ?? []) state.env.set(name, value);
      return;
    case "COPY":
      copyStep(state, step, context);
      return;
    case "RUN":
      runStep(state, step, context.log);
      return;
    case "USER":
      state.user = step.content;
      return;
    case "VOLUME":
      state.volumes = parseList(step.content);
      return;
    case "CMD":
      state.cmd = parseExecForm(step, step.content);
      return;
    case "HEALTHCHECK": {
      const match = /(?:^|\s)CMD\s+(\[.*\])\s*$/s.exec(step.content);
      if (!match) throw unsupported(step, "HEALTHCHECK needs an exec-form CMD");
      state.healthcheck = parseExecForm(step, match[1]!);
      return;
    }
    case "STOPSIGNAL":
      state.stopSignal = step.content as NodeJS.Signals;
      return;
    case "EXPOSE":
    case "LABEL":
      return;
    default:
      throw unsupported(step, `${step.keyword} is not replayed`);
  }
}

function copyStep(state: StageState, step: Step, context: ReplayContext): void {
  const words = step.content.split(/\s+/);
  const flags = step.flags;
  if (words[0]?.startsWith("[")) throw unsupported(step, "COPY in JSON form");
  const target = words.pop();
  if (!target || words.length === 0) throw unsupported(step, "COPY needs a source and a target");
  if (flags.has("chown") || flags.has("chmod")) throw unsupported(step, "COPY --chown/--chmod");

  const from = flags.get("from");
  const source = from ? context.done.get(from) : undefined;
  if (from && !source) throw unsupported(step, `no earlier stage "${from}"`);
  const toDir = target.endsWith("/") || words.length > 1;
  const destination = inRoot(state, posix.resolve(state.workdir, target));

  for (const word of words) {
    const path = source
      ? inRoot(source, posix.resolve(source.workdir, word))
      : join(context.repoRoot, word);
    const contextPath = relative(context.repoRoot, path);
    if (!source && context.ignored(contextPath))
      throw new Error(`Dockerfile line ${step.line}: ${word} is excluded by .dockerignore`);
    if (!existsSync(path)) throw new Error(`Dockerfile line ${step.line}: ${word} not found`);
    const isDir = statSync(path).isDirectory();
    const to = isDir || !toDir ? destination : join(destination, basename(path));
    mkdirSync(isDir ? to : dirname(to), { recursive: true, mode: 0o755 });
    cpSync(path, to, {
      recursive: true,
      verbatimSymlinks: true,
      filter: (file) => source !== undefined || !context.ignored(relative(context.repoRoot, file)),
    });
  }
}

/** Runs a RUN's commands one by one; system provisioning is checked or mapped, not run. */
function runStep(state: StageState, step: Step, log: (line: string) => void): void {
  if (step.content.startsWith("[")) throw unsupported(step, "RUN in JSON form");
  for (const command of step.content.split("&&").map((part) => part.trim())) {
    const words = command.split(/\s+/);
    const program = words[0]!;
    if (program === "apt-get") {
      requirePackages(step, words);
    } else if (program === "rm" && words.some((word) => word.startsWith("/var/lib/apt/"))) {
      log("   (the host's package lists are left alone)");
    } else if (program === "groupadd") {
      log("   (the image's group: the replay uses nogroup)");
    } else if (program === "useradd") {
      const uid = words[words.indexOf("--uid") + 1];
      state.users.set(words.at(-1)!, Number(uid));
      if (words.includes("--home-dir")) state.home = words[words.indexOf("--home-dir") + 1];
      log(`   (the image's user ${words.at(-1)} (uid ${uid}): the replay uses nobody)`);
    } else if (program === "mkdir") {
      for (const path of words.slice(1).filter((word) => !word.startsWith("-")))
        mkdirSync(inRoot(state, posix.resolve(state.workdir, path)), { recursive: true });
    } else if (program === "chown") {
      chownStep(state, step, words);
    } else {
      shell(state, step, command, log);
    }
  }
}

/** Runs one command as Docker would, `/bin/sh -c`, passing what it printed to the log. */
function shell(state: StageState, step: Step, command: string, log: (line: string) => void) {
  const result = spawnSync("/bin/sh", ["-c", command], {
    cwd: inRoot(state, state.workdir),
    env: buildEnv(state),
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const line of `${result.stdout}${result.stderr}`.split("\n").filter(Boolean))
    log(`   ${line}`);
  if (result.status !== 0)
    throw new Error(
      `Dockerfile line ${step.line}: \`${command}\` exited ${result.status ?? result.signal}`,
    );
}

function requirePackages(step: Step, words: string[]): void {
  if (words[1] === "update") return;
  if (words[1] !== "install") throw unsupported(step, `apt-get ${words[1]}`);
  const packages = words.slice(2).filter((word) => !word.startsWith("-"));
  for (const name of packages) {
    let status = "";
    try {
      status = execFileSync("dpkg-query", ["--status", name], { encoding: "utf8" });
    } catch {
      // Not known to dpkg at all: reported below like a removed package.
    }
    if (!/^Status: install ok installed$/m.test(status))
      throw new Error(
        `Dockerfile line ${step.line}: the image installs ${name}, this machine lacks it (apt-get install ${name})`,
      );
  }
}

function chownStep(state: StageState, step: Step, words: string[]): void {
  const [owner, ...paths] = words.slice(1).filter((word) => !word.startsWith("-"));
  const user = owner?.split(":")[0] ?? "";
  if (!state.users.has(user)) throw unsupported(step, `chown to ${owner}, not a user it created`);
  if (process.getuid?.() !== 0) return;
  for (const path of paths)
    chownSync(inRoot(state, posix.resolve(state.workdir, path)), NOBODY.uid, NOBODY.gid);
}

/** The stage's ENV over what this machine needs to run Node and reach the npm registry. */
export function buildEnv(state: StageState): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
    HOME: process.env.HOME ?? "/root",
  };
  // The machine's registry settings (a mirror, a proxy, the CAs it trusts) are the network's,
  // not the image's.
  for (const [name, value] of Object.entries(process.env)) {
    if (NETWORK_SETTINGS.test(name)) env[name] = value;
  }
  for (const [name, value] of state.env) env[name] = mapImagePath(state, value);
  return env;
}

/** An absolute path the image would have: Node's prefix, or a folder the stage created. */
export function mapImagePath(state: StageState, value: string): string {
  if (value === IMAGE_NODE_PREFIX) return dirname(dirname(process.execPath));
  if (value.startsWith("/") && existsSync(inRoot(state, value))) return inRoot(state, value);
  return value;
}

function requireSameNode(base: string): void {
  const match = /^node:(\d+)/.exec(base);
  if (!match) throw new Error(`FROM ${base}: the replay stands in only for node images`);
  const major = process.versions.node.split(".")[0];
  if (match[1] !== major)
    throw new Error(
      `FROM ${base}: this is Node ${process.versions.node}; run it with Node ${match[1]}`,
    );
}

export function inRoot(state: StageState, imagePath: string): string {
  return join(state.root, imagePath);
}
