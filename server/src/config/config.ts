import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import {
  cidrProblem,
  cron,
  duration,
  hostProblem,
  integer,
  list,
  optionalDuration,
  originProblem,
  rate,
  readableFile,
} from "./value-rules.ts";

/**
 * How a setting is documented: `docs/configuration.md`, `.env.example` and
 * `deploy/.env.production.example` are generated from these (see `config-docs.ts`).
 */
export interface SettingDoc {
  group: string;
  description: string;
  /** The default as a reader should see it, when the schema's own would mislead. */
  defaultText?: string;
  /** A value for `.env.example`; the default when absent. */
  example?: string;
  /** A value for `deploy/.env.production.example`; the example when absent. */
  production?: string;
  /** Never echoed in an error message. */
  sensitive?: boolean;
}

const docs = new Map<string, SettingDoc>();

function setting<T extends z.ZodType>(name: string, schema: T, doc: SettingDoc): T {
  docs.set(name, doc);
  return schema;
}

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Every setting Weft reads, with its default; `loadConfig` alone reads the environment. */
const configSchema = z.object({
  WEFT_ENV: setting("WEFT_ENV", z.enum(["development", "production"]).optional(), {
    group: "Server",
    description:
      "`production` turns development conveniences off: JSON logs only, secure cookies, no `*` CORS, and `WEFT_SECRET_KEY` is required",
    defaultText: "`production` when `NODE_ENV=production`, else `development`",
    example: "development",
    production: "production",
  }),
  WEFT_HOST: setting("WEFT_HOST", z.string().min(1).default("127.0.0.1"), {
    group: "Server",
    description: "address to listen on; `0.0.0.0` for every interface",
    production: "0.0.0.0",
  }),
  WEFT_PORT: setting("WEFT_PORT", integer(8080, 0, 65535), {
    group: "Server",
    description: "port to listen on (HTTPS when a certificate is set)",
  }),
  WEFT_PUBLIC_URL: setting(
    "WEFT_PUBLIC_URL",
    z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL like https://weft.example.com" })
      .optional(),
    {
      group: "Server",
      description:
        "the URL users reach Weft at; builds webhook and UI links and is the one origin cookie-signed changes may come from",
      defaultText: "the request's own origin",
      example: "http://127.0.0.1:8080",
      production: "https://weft.example.com",
    },
  ),
  WEFT_DATA_DIR: setting("WEFT_DATA_DIR", z.string().min(1).default("./data"), {
    group: "Server",
    description: "folder of the SQLite store (`weft.db`, WAL mode)",
    production: "/var/lib/weft",
  }),
  WEFT_LOG_LEVEL: setting("WEFT_LOG_LEVEL", z.enum(logLevels).default("info"), {
    group: "Logs",
    description: "`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`",
  }),
  WEFT_LOG_FORMAT: setting("WEFT_LOG_FORMAT", z.enum(["json", "pretty"]).optional(), {
    group: "Logs",
    description:
      "`json` (one object per line on stdout) or `pretty` (coloured, for a terminal; development only)",
    defaultText: "`pretty` in development, `json` in production",
    example: "pretty",
    production: "json",
  }),
  WEFT_TLS_CERT: setting("WEFT_TLS_CERT", readableFile, {
    group: "TLS and proxies",
    description:
      "PEM certificate chain; with `WEFT_TLS_KEY` Weft serves HTTPS itself and reloads both when the files change",
    example: "",
    production: "",
  }),
  WEFT_TLS_KEY: setting("WEFT_TLS_KEY", readableFile, {
    group: "TLS and proxies",
    description: "PEM private key of `WEFT_TLS_CERT`",
    example: "",
    production: "",
  }),
  WEFT_HTTP_REDIRECT_PORT: setting(
    "WEFT_HTTP_REDIRECT_PORT",
    z.coerce
      .number({ error: "must be a port from 1 to 65535" })
      .int("must be a port from 1 to 65535")
      .min(1, "must be a port from 1 to 65535")
      .max(65535, "must be a port from 1 to 65535")
      .optional(),
    {
      group: "TLS and proxies",
      description: "with TLS on, also listen for plain HTTP on this port and redirect it to HTTPS",
      example: "",
      production: "",
    },
  ),
  WEFT_HSTS_MAX_AGE: setting("WEFT_HSTS_MAX_AGE", duration("180d", "0ms", "730d"), {
    group: "TLS and proxies",
    description:
      "`Strict-Transport-Security` max-age sent on HTTPS answers (direct or through a trusted proxy); `0s` sends none",
  }),
  WEFT_TRUSTED_PROXIES: setting("WEFT_TRUSTED_PROXIES", list(cidrProblem), {
    group: "TLS and proxies",
    description:
      "comma-separated addresses or CIDR ranges of reverse proxies whose `X-Forwarded-For`/`-Proto`/`-Host` are believed; nobody's by default",
    example: "",
    production: "127.0.0.1,::1",
  }),
  WEFT_CORS_ORIGINS: setting("WEFT_CORS_ORIGINS", list(originProblem), {
    group: "Security",
    description:
      "comma-separated origins other than Weft's own that browsers may call the API from, with cookies; `*` (development only) allows any origin without cookies",
    defaultText: "none: same origin only",
    example: "",
    production: "",
  }),
  WEFT_SECRET_KEY: setting(
    "WEFT_SECRET_KEY",
    z
      .string()
      .min(32, "must be at least 32 characters")
      // A placeholder copied from an example (`<…>`, words with spaces) is no key.
      .regex(/^[^\s<>]+$/, "must be a generated key: no spaces or <>, e.g. openssl rand -base64 32")
      .optional(),
    {
      group: "Security",
      description:
        "at least 32 characters (e.g. `openssl rand -base64 32`); encrypts the secrets store with AES-256-GCM. Required in production; development keeps a generated one in `WEFT_DATA_DIR/secret.key`",
      example: "",
      production: "",
      sensitive: true,
    },
  ),
  WEFT_SECRET_KEY_PREVIOUS: setting(
    "WEFT_SECRET_KEY_PREVIOUS",
    z.string().min(32, "must be at least 32 characters").optional(),
    {
      group: "Security",
      description:
        "the key before a rotation: still decrypts until `weft secret rotate-key` has re-encrypted every secret under `WEFT_SECRET_KEY`",
      example: "",
      production: "",
      sensitive: true,
    },
  ),
  WEFT_SESSION_TTL: setting("WEFT_SESSION_TTL", duration("7d", "1m", "365d"), {
    group: "Security",
    description: "how long a sign-in lasts at most (1m to 365d)",
  }),
  WEFT_SESSION_IDLE_TIMEOUT: setting("WEFT_SESSION_IDLE_TIMEOUT", duration("24h", "1m", "365d"), {
    group: "Security",
    description: "a sign-in unused this long ends (1m to 365d)",
  }),
  WEFT_LIVE_FEED_RECHECK: setting("WEFT_LIVE_FEED_RECHECK", duration("30s", "100ms", "1h"), {
    group: "Security",
    description:
      "how often each open live-feed socket's token or sign-in is checked again, to close it " +
      "once revoked, ended or disabled elsewhere (100ms to 1h)",
  }),
  WEFT_RATE_LIMIT_SIGNIN: setting("WEFT_RATE_LIMIT_SIGNIN", rate("10/1m"), {
    group: "Rate limits",
    description: "sign-in attempts per client address, as `count/window`, or `off`",
  }),
  WEFT_SIGNIN_LOCKOUT_AFTER: setting("WEFT_SIGNIN_LOCKOUT_AFTER", integer(5, 1, 1000), {
    group: "Rate limits",
    description: "failed sign-ins in a row that lock an account for `WEFT_SIGNIN_LOCKOUT`",
  }),
  WEFT_SIGNIN_LOCKOUT: setting("WEFT_SIGNIN_LOCKOUT", duration("15m", "1s", "24h"), {
    group: "Rate limits",
    description: "how long a locked account refuses sign-in (1s to 24h)",
  }),
  WEFT_RATE_LIMIT_API: setting("WEFT_RATE_LIMIT_API", rate("1200/1m"), {
    group: "Rate limits",
    description: "API requests per token, session or (unauthenticated) client address, or `off`",
  }),
  WEFT_RATE_LIMIT_WEBHOOK: setting("WEFT_RATE_LIMIT_WEBHOOK", rate("600/1m"), {
    group: "Rate limits",
    description: "webhook deliveries per workflow, or `off`",
  }),
  WEFT_MAX_BODY_BYTES: setting("WEFT_MAX_BODY_BYTES", integer(1_048_576, 1024, 64 * 1_048_576), {
    group: "Limits",
    description: "largest API request body; larger ones get 413",
  }),
  WEFT_MAX_WEBHOOK_BYTES: setting(
    "WEFT_MAX_WEBHOOK_BYTES",
    integer(5 * 1_048_576, 1024, 64 * 1_048_576),
    {
      group: "Limits",
      description: "largest webhook delivery body; larger ones get 413",
    },
  ),
  WEFT_MAX_JSON_KEYS: setting("WEFT_MAX_JSON_KEYS", integer(100_000, 100, 10_000_000), {
    group: "Limits",
    description:
      "most object keys and array items a JSON body may hold in all (bodies also nest at most 64 levels)",
  }),
  WEFT_MAX_OUTPUT_BYTES: setting(
    "WEFT_MAX_OUTPUT_BYTES",
    integer(1_048_576, 1024, 64 * 1_048_576),
    {
      group: "Limits",
      description: "a step output larger than this is stored as `{ $truncated, bytes, preview }`",
    },
  ),
  WEFT_HTTP_ALLOW_HOSTS: setting("WEFT_HTTP_ALLOW_HOSTS", list(hostProblem), {
    group: "Limits",
    description:
      "host names (`api.internal`, `*.corp.example`), addresses or CIDR ranges that `http` steps may reach although they are loopback, private, link-local or metadata addresses, which are refused by default",
    defaultText: "none",
    example: "127.0.0.1,localhost",
    production: "",
  }),
  WEFT_WORKER_CONCURRENCY: setting("WEFT_WORKER_CONCURRENCY", integer(64, 1, 10_000), {
    group: "Engine",
    description: "attempts this process runs at once",
  }),
  WEFT_LEASE_DURATION: setting("WEFT_LEASE_DURATION", duration("30s", "300ms", "1h"), {
    group: "Engine",
    description:
      "how long an attempt stays claimed without a renewal; renewed every third of it (300ms to 1h)",
  }),
  WEFT_SWEEP_INTERVAL: setting("WEFT_SWEEP_INTERVAL", duration("1s", "10ms", "1m"), {
    group: "Engine",
    description:
      "how often the store is swept for lost attempts, due delays and late runs (10ms to 1m)",
  }),
  WEFT_SHUTDOWN_GRACE: setting("WEFT_SHUTDOWN_GRACE", duration("10s", "0ms", "10m"), {
    group: "Engine",
    description:
      "how long running attempts may finish on SIGTERM (0ms to 10m); attempts still running then are handed back for the next start",
  }),
  WEFT_RUN_RETENTION: setting("WEFT_RUN_RETENTION", optionalDuration("1h", "3650d"), {
    group: "Backups and retention",
    description:
      "ended runs older than this are deleted with their steps, attempts and events, and the file's free pages are returned (1h to 3650d)",
    defaultText: "keep every run",
    example: "",
    production: "90d",
  }),
  WEFT_AUDIT_RETENTION: setting("WEFT_AUDIT_RETENTION", optionalDuration("30d", "3650d"), {
    group: "Backups and retention",
    description:
      "audit log entries older than this are deleted, on the same interval as runs (30d to 3650d)",
    defaultText: "keep every entry",
    example: "",
    production: "365d",
  }),
  WEFT_PRUNE_INTERVAL: setting("WEFT_PRUNE_INTERVAL", duration("1h", "1s", "7d"), {
    group: "Backups and retention",
    description:
      "how often old runs and audit entries are pruned when `WEFT_RUN_RETENTION` or `WEFT_AUDIT_RETENTION` is set",
  }),
  WEFT_BACKUP_DIR: setting("WEFT_BACKUP_DIR", z.string().min(1).optional(), {
    group: "Backups and retention",
    description: "folder of scheduled backups",
    defaultText: "`WEFT_DATA_DIR/backups`",
    example: "",
    production: "/var/backups/weft",
  }),
  WEFT_BACKUP_SCHEDULE: setting(
    "WEFT_BACKUP_SCHEDULE",
    z.string().min(1).optional().transform(cron),
    {
      group: "Backups and retention",
      description:
        "cron expression (UTC) for scheduled backups, such as `0 3 * * *`; none if unset",
      defaultText: "no scheduled backups",
      example: "",
      production: "0 3 * * *",
    },
  ),
  WEFT_BACKUP_KEEP: setting("WEFT_BACKUP_KEEP", integer(7, 1, 1000), {
    group: "Backups and retention",
    description: "how many scheduled backups are kept; older ones are deleted",
  }),
  WEFT_ASSET_BASE_URL: setting(
    "WEFT_ASSET_BASE_URL",
    z
      .url({
        protocol: /^https?$/,
        error: "must be an http(s) URL like https://cdn.example.com/weft",
      })
      .optional(),
    {
      group: "Web UI",
      description:
        "where browsers load the dashboard's `/assets/` from (a CDN holding a copy of `web/dist/assets`); the content security policy allows its origin",
      defaultText: "Weft itself",
      example: "",
      production: "",
    },
  ),
});

type Parsed = z.output<typeof configSchema>;
export type Rate = { max: number; windowMs: number };

export interface Config {
  env: "development" | "production";
  host: string;
  port: number;
  publicUrl: string | undefined;
  dataDir: string;
  logLevel: Parsed["WEFT_LOG_LEVEL"];
  logFormat: "json" | "pretty";
  tls: { certFile: string; keyFile: string; redirectPort: number | undefined } | undefined;
  hstsMaxAgeSeconds: number;
  trustedProxies: string[];
  corsOrigins: string[];
  secretKey: string | undefined;
  previousSecretKey: string | undefined;
  sessionTtlMs: number;
  sessionIdleMs: number;
  liveFeedRecheckMs: number;
  rateLimits: {
    signIn: Rate | undefined;
    api: Rate | undefined;
    webhook: Rate | undefined;
    lockoutAfter: number;
    lockoutMs: number;
  };
  maxBodyBytes: number;
  maxWebhookBytes: number;
  maxJsonKeys: number;
  maxOutputBytes: number;
  httpAllowHosts: string[];
  workerConcurrency: number;
  leaseMs: number;
  sweepIntervalMs: number;
  shutdownGraceMs: number;
  runRetentionMs: number | undefined;
  auditRetentionMs: number | undefined;
  pruneIntervalMs: number;
  backups: { dir: string; schedule: string | undefined; keep: number };
  /** Where the dashboard's assets are loaded from, without a trailing slash; Weft's own when unset. */
  assetBaseUrl: string | undefined;
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
  // An empty value means unset, so an env file or a drop-in can switch a setting back off.
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = configSchema.safeParse(set);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => fault(env, String(issue.path[0]), issue.message)),
    );
  }
  const c = parsed.data;
  const production =
    (c.WEFT_ENV ?? (env.NODE_ENV === "production" ? "production" : "development")) === "production";
  const faults = crossCheck(env, c, production);
  if (faults.length > 0) throw new ConfigError(faults);

  const dataDir = resolve(c.WEFT_DATA_DIR);
  return {
    env: production ? "production" : "development",
    host: c.WEFT_HOST,
    port: c.WEFT_PORT,
    publicUrl: c.WEFT_PUBLIC_URL?.replace(/\/+$/, ""),
    dataDir,
    logLevel: c.WEFT_LOG_LEVEL,
    logFormat: c.WEFT_LOG_FORMAT ?? (production ? "json" : "pretty"),
    tls:
      c.WEFT_TLS_CERT && c.WEFT_TLS_KEY
        ? {
            certFile: resolve(c.WEFT_TLS_CERT),
            keyFile: resolve(c.WEFT_TLS_KEY),
            redirectPort: c.WEFT_HTTP_REDIRECT_PORT,
          }
        : undefined,
    hstsMaxAgeSeconds: Math.floor(c.WEFT_HSTS_MAX_AGE / 1000),
    trustedProxies: c.WEFT_TRUSTED_PROXIES,
    corsOrigins: c.WEFT_CORS_ORIGINS.map((origin) => origin.replace(/\/$/, "")),
    secretKey: c.WEFT_SECRET_KEY,
    previousSecretKey: c.WEFT_SECRET_KEY_PREVIOUS,
    sessionTtlMs: c.WEFT_SESSION_TTL,
    sessionIdleMs: c.WEFT_SESSION_IDLE_TIMEOUT,
    liveFeedRecheckMs: c.WEFT_LIVE_FEED_RECHECK,
    rateLimits: {
      signIn: c.WEFT_RATE_LIMIT_SIGNIN,
      api: c.WEFT_RATE_LIMIT_API,
      webhook: c.WEFT_RATE_LIMIT_WEBHOOK,
      lockoutAfter: c.WEFT_SIGNIN_LOCKOUT_AFTER,
      lockoutMs: c.WEFT_SIGNIN_LOCKOUT,
    },
    maxBodyBytes: c.WEFT_MAX_BODY_BYTES,
    maxWebhookBytes: c.WEFT_MAX_WEBHOOK_BYTES,
    maxJsonKeys: c.WEFT_MAX_JSON_KEYS,
    maxOutputBytes: c.WEFT_MAX_OUTPUT_BYTES,
    httpAllowHosts: c.WEFT_HTTP_ALLOW_HOSTS.map((host) => host.toLowerCase()),
    workerConcurrency: c.WEFT_WORKER_CONCURRENCY,
    leaseMs: c.WEFT_LEASE_DURATION,
    sweepIntervalMs: c.WEFT_SWEEP_INTERVAL,
    shutdownGraceMs: c.WEFT_SHUTDOWN_GRACE,
    runRetentionMs: c.WEFT_RUN_RETENTION,
    auditRetentionMs: c.WEFT_AUDIT_RETENTION,
    pruneIntervalMs: c.WEFT_PRUNE_INTERVAL,
    backups: {
      dir: resolve(c.WEFT_BACKUP_DIR ?? `${dataDir}/backups`),
      schedule: c.WEFT_BACKUP_SCHEDULE,
      keep: c.WEFT_BACKUP_KEEP,
    },
    assetBaseUrl: c.WEFT_ASSET_BASE_URL?.replace(/\/+$/, ""),
    unknownVariables: Object.keys(env).filter(
      (name) => name.startsWith("WEFT_") && !(name in configSchema.shape),
    ),
  };
}

/** Rules that span variables, or depend on the mode. */
function crossCheck(env: NodeJS.ProcessEnv, c: Parsed, production: boolean): string[] {
  const faults: string[] = [];
  if (Boolean(c.WEFT_TLS_CERT) !== Boolean(c.WEFT_TLS_KEY)) {
    const missing = c.WEFT_TLS_CERT ? "WEFT_TLS_KEY" : "WEFT_TLS_CERT";
    faults.push(`${missing}="": must be set together with the other of WEFT_TLS_CERT/KEY`);
  }
  if (c.WEFT_HTTP_REDIRECT_PORT !== undefined && !c.WEFT_TLS_CERT) {
    faults.push(
      fault(env, "WEFT_HTTP_REDIRECT_PORT", "only applies with WEFT_TLS_CERT and WEFT_TLS_KEY"),
    );
  }
  if (c.WEFT_CORS_ORIGINS.includes("*") && c.WEFT_CORS_ORIGINS.length > 1) {
    faults.push(fault(env, "WEFT_CORS_ORIGINS", "`*` cannot be listed with other origins"));
  }
  if (production) {
    if (!c.WEFT_SECRET_KEY)
      faults.push(
        'WEFT_SECRET_KEY="": is required in production: set it to at least 32 random characters (openssl rand -base64 32)',
      );
    if (c.WEFT_CORS_ORIGINS.includes("*"))
      faults.push(fault(env, "WEFT_CORS_ORIGINS", "`*` is refused in production: list origins"));
    if (c.WEFT_LOG_FORMAT === "pretty")
      faults.push(fault(env, "WEFT_LOG_FORMAT", "pretty logs are for development: use json"));
  }
  if (c.WEFT_SECRET_KEY && c.WEFT_SECRET_KEY === c.WEFT_SECRET_KEY_PREVIOUS) {
    faults.push("WEFT_SECRET_KEY_PREVIOUS=(hidden): is the same as WEFT_SECRET_KEY");
  }
  return faults;
}

function fault(env: NodeJS.ProcessEnv, name: string, message: string): string {
  const shown = docs.get(name)?.sensitive ? "(hidden)" : JSON.stringify(env[name] ?? "");
  return `${name}=${shown}: ${message}`;
}

/** The documented settings in schema order, for the generated docs and examples. */
export function settingDocs(): { name: string; doc: SettingDoc; fallback: string | undefined }[] {
  return Object.entries(configSchema.shape).map(([name, schema]) => {
    const parsed = (schema as z.ZodType).safeParse(undefined);
    const raw = parsed.success && parsed.data !== undefined ? defaultOf(name) : undefined;
    return { name, doc: docs.get(name)!, fallback: raw };
  });
}

/** The default as written in the environment (`7d`, not 604800000). */
function defaultOf(name: string): string | undefined {
  const schema = configSchema.shape[name as keyof typeof configSchema.shape] as z.ZodType;
  let node: unknown = schema;
  for (let depth = 0; depth < 6 && node; depth += 1) {
    const def = (node as { def?: Record<string, unknown> }).def;
    if (!def) break;
    if (def.type === "default") {
      const value = def.defaultValue;
      return Array.isArray(value) ? value.join(",") : String(value);
    }
    node = def.in ?? def.innerType;
  }
  return undefined;
}

/** The process environment, with a `.env` file's values under the ones already set. */
function readEnvironment(): NodeJS.ProcessEnv {
  if (existsSync(".env")) process.loadEnvFile(".env");
  return process.env;
}
