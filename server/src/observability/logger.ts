import { createRequire } from "node:module";
import { type Logger, pino } from "pino";

export type { Logger };

/** Paths pino masks in every line: credentials that reach a log through request objects. */
const REDACT = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["set-cookie"]',
  'req.headers["proxy-authorization"]',
  "headers.authorization",
  "headers.cookie",
  'headers["set-cookie"]',
  'headers["proxy-authorization"]',
  "password",
  "currentPassword",
  "newPassword",
  "token",
  "secret",
  "secretKey",
  "*.password",
  "*.currentPassword",
  "*.newPassword",
  "*.token",
  "*.secret",
  "*.secretKey",
];

export interface LoggerOptions {
  /** Coloured lines for a terminal (development); falls back to JSON without pino-pretty. */
  pretty?: boolean;
}

/** JSON lines on stdout (or `destination`), with credentials redacted. */
export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  options: LoggerOptions = {},
): Logger {
  const base = {
    level,
    redact: { paths: REDACT, censor: "[redacted]" },
    base: { service: "weft" },
  };
  if (destination) return pino(base, destination);
  if (options.pretty && level !== "silent") {
    if (canLoad("pino-pretty")) {
      return pino({
        ...base,
        transport: { target: "pino-pretty", options: { translateTime: "SYS:HH:MM:ss.l" } },
      });
    }
    const logger = pino(base);
    logger.warn("pino-pretty is not installed (production dependencies only): logging JSON");
    return logger;
  }
  return pino(base);
}

function canLoad(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}
