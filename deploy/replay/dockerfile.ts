// deploy/Dockerfile and .dockerignore as the replay reads them.
import { posix } from "node:path";
import { DockerfileParser, type Env, ModifiableInstruction } from "dockerfile-ast";

/** One Dockerfile instruction, as the replay needs it. */
export interface Step {
  keyword: string;
  /** The arguments with line continuations joined, without the flags. */
  content: string;
  line: number;
  /** `--name=value` flags of COPY and HEALTHCHECK. */
  flags: Map<string, string>;
  env?: [string, string][];
}

export interface Stage {
  name: string;
  base: string;
  steps: Step[];
}

/** Parses the Dockerfile into stages. */
export function parseStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const keyword = instruction.getKeyword();
    const content = instruction.getArgumentsContent() ?? "";
    const line = instruction.getRange().start.line + 1;
    if (keyword === "FROM") {
      const [base, as, name] = content.split(/\s+/);
      if (!base) throw new Error(`Dockerfile line ${line}: FROM names no image`);
      const stageName = as?.toUpperCase() === "AS" && name ? name : String(stages.length);
      stages.push({ name: stageName, base, steps: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile line ${line}: ${keyword} before any FROM`);
    const flags = new Map<string, string>();
    if (instruction instanceof ModifiableInstruction) {
      for (const flag of instruction.getFlags()) flags.set(flag.getName(), flag.getValue() ?? "");
    }
    const step: Step = { keyword, content, line, flags };
    if (keyword === "ENV") {
      step.env = (instruction as Env)
        .getProperties()
        .map((property) => [property.getName(), property.getValue() ?? ""]);
    }
    stage.steps.push(step);
  }
  return stages;
}

/** A .dockerignore as a predicate over context-relative paths (Docker's rules: last match wins). */
export function readDockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const negate = line.startsWith("!");
      const pattern = posix.normalize(line.slice(negate ? 1 : 0).trim()).replace(/^\/+|\/+$/g, "");
      return { negate, regex: globToRegex(pattern) };
    });
  return (path) => {
    const parts = path.split("/");
    const candidates = parts.map((_, index) => parts.slice(0, index + 1).join("/"));
    let excluded = false;
    for (const rule of rules) {
      if (candidates.some((candidate) => rule.regex.test(candidate))) excluded = !rule.negate;
    }
    return excluded;
  };
}

function globToRegex(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i]!;
    if (pattern.startsWith("**/", i)) {
      source += "(?:.*/)?";
      i += 2;
    } else if (pattern.startsWith("**", i)) {
      source += ".*";
      i += 1;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

export function parseExecForm(step: Step, text: string): string[] {
  const argv = JSON.parse(text) as unknown;
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((arg) => typeof arg === "string"))
    throw unsupported(step, 'expected an exec form such as ["node", "file.js"]');
  return argv;
}

export function parseList(text: string): string[] {
  return text.trim().startsWith("[") ? (JSON.parse(text) as string[]) : text.split(/\s+/);
}

export function unsupported(step: Step, what: string): Error {
  return new Error(`Dockerfile line ${step.line}: the replay does not handle this: ${what}`);
}
