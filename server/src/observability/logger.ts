import { type Logger, pino } from "pino";

export type { Logger };

/** Paths pino masks in every line: credentials that reach a log through request objects. */
const REDACT = [
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.cookie",
  "password",
  "token",
  "*.password",
  "*.token",
];

/** JSON lines on stdout (or `destination`), with credentials redacted. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACT, censor: "[redacted]" },
    base: { service: "weft" },
  };
  return destination ? pino(options, destination) : pino(options);
}
