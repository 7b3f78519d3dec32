import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { parseDuration } from "../engine/duration.ts";

const duration = (fallback: string, min: string, max: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({
          code: "custom",
          message: `"${value}" is not a duration: use e.g. 500ms, 30s or 5m`,
        });
        return z.NEVER;
      }
      if (ms < parseDuration(min)! || ms > parseDuration(max)!) {
        ctx.addIssue({ code: "custom", message: `must be between ${min} and ${max}` });
        return z.NEVER;
      }
      return ms;
    });

const integer = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

/** Every setting Weft reads, with its default; `loadConfig` alone reads the environment. */
const configSchema = z.object({
  WEFT_HOST: z.string().min(1).default("127.0.0.1"),
  WEFT_PORT: integer(8080, 0, 65535),
  WEFT_DATA_DIR: z.string().min(1).default("./data"),
  WEFT_LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .default("info"),
  WEFT_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL like https://weft.example.com" })
    .optional(),
  WEFT_WORKER_CONCURRENCY: integer(64, 1, 10_000),
  WEFT_LEASE_DURATION: duration("30s", "300ms", "1h"),
  WEFT_SWEEP_INTERVAL: duration("1s", "10ms", "1m"),
  WEFT_SHUTDOWN_GRACE: duration("10s", "0ms", "10m"),
  WEFT_MAX_OUTPUT_BYTES: integer(1_048_576, 1024, 64 * 1_048_576),
  WEFT_MAX_BODY_BYTES: integer(1_048_576, 1024, 64 * 1_048_576),
  WEFT_SESSION_TTL: duration("7d", "1m", "365d"),
});

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  logLevel: z.output<typeof configSchema>["WEFT_LOG_LEVEL"];
  publicUrl: string | undefined;
  workerConcurrency: number;
  leaseMs: number;
  sweepIntervalMs: number;
  shutdownGraceMs: number;
  maxOutputBytes: number;
  maxBodyBytes: number;
  sessionTtlMs: number;
  /** `WEFT_SECRET_<NAME>` variables, usable in definitions as `{{ secrets.NAME }}`. */
  secrets: Record<string, string>;
  /** `WEFT_*` variables Weft does not know: likely typos, reported at start. */
  unknownVariables: string[];
}

/** A configuration fault: one line per bad variable, naming it and the expected form. */
export class ConfigError extends Error {
  readonly faults: string[];

  constructor(faults: string[]) {
    super(`invalid configuration:\n${faults.map((f) => `  ${f}`).join("\n")}`);
    this.name = "ConfigError";
    this.faults = faults;
  }
}

/** Reads the settings from `env` (and a `.env` file in the working folder when present). */
export function loadConfig(env: NodeJS.ProcessEnv = readEnvironment()): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        return `${name}=${JSON.stringify(env[name] ?? "")}: ${issue.message}`;
      }),
    );
  }
  const c = parsed.data;
  return {
    host: c.WEFT_HOST,
    port: c.WEFT_PORT,
    dataDir: resolve(c.WEFT_DATA_DIR),
    logLevel: c.WEFT_LOG_LEVEL,
    publicUrl: c.WEFT_PUBLIC_URL?.replace(/\/+$/, ""),
    workerConcurrency: c.WEFT_WORKER_CONCURRENCY,
    leaseMs: c.WEFT_LEASE_DURATION,
    sweepIntervalMs: c.WEFT_SWEEP_INTERVAL,
    shutdownGraceMs: c.WEFT_SHUTDOWN_GRACE,
    maxOutputBytes: c.WEFT_MAX_OUTPUT_BYTES,
    maxBodyBytes: c.WEFT_MAX_BODY_BYTES,
    sessionTtlMs: c.WEFT_SESSION_TTL,
    secrets: collectSecrets(env),
    unknownVariables: Object.keys(env).filter(
      (name) =>
        name.startsWith("WEFT_") &&
        !name.startsWith("WEFT_SECRET_") &&
        !(name in configSchema.shape),
    ),
  };
}

function collectSecrets(env: NodeJS.ProcessEnv): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith("WEFT_SECRET_") && value)
      secrets[name.slice("WEFT_SECRET_".length)] = value;
  }
  return secrets;
}

/** The process environment, with a `.env` file's values under the ones already set. */
function readEnvironment(): NodeJS.ProcessEnv {
  if (existsSync(".env")) process.loadEnvFile(".env");
  return process.env;
}
