import { accessSync, constants } from "node:fs";
import { isIP } from "node:net";
import { Cron } from "croner";
import { z } from "zod";
import { parseDuration } from "../engine/duration.ts";

/** The kinds of value settings take, each with the message a bad value gets. */

function toMs(min: string, max: string) {
  return (value: string, ctx: z.RefinementCtx): number => {
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
  };
}

export const duration = (fallback: string, min: string, max: string) =>
  z.string().default(fallback).transform(toMs(min, max));

export const optionalDuration = (min: string, max: string) =>
  z.string().transform(toMs(min, max)).optional();

export const integer = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

/** A comma-separated list; blanks dropped. */
export const list = (check?: (item: string) => string | undefined) =>
  z
    .string()
    .default("")
    .transform((value, ctx) => {
      const items = value
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean);
      for (const item of items) {
        const problem = check?.(item);
        if (problem) ctx.addIssue({ code: "custom", message: `"${item}" ${problem}` });
      }
      return items;
    });

/** `N/duration`, such as `10/1m`, or `off`. */
export const rate = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      if (value === "off") return undefined;
      const match = /^(\d+)\s*\/\s*(\S+)$/.exec(value);
      const windowMs = match ? parseDuration(match[2]!) : undefined;
      const max = match ? Number(match[1]) : 0;
      if (!match || windowMs === undefined || max < 1 || windowMs < 1000) {
        ctx.addIssue({
          code: "custom",
          message: "must be a count per window such as 10/1m (window 1s or more), or off",
        });
        return z.NEVER;
      }
      return { max, windowMs };
    });

export const readableFile = z
  .string()
  .min(1)
  .optional()
  .refine(
    (path) => {
      if (path === undefined) return true;
      try {
        accessSync(path, constants.R_OK);
        return true;
      } catch {
        return false;
      }
    },
    { message: "is not a readable file" },
  );

export function cidrProblem(item: string): string | undefined {
  const [address, bits, extra] = item.split("/");
  if (extra !== undefined || !address || isIP(address) === 0)
    return "is not an IP address or CIDR range";
  if (bits === undefined) return undefined;
  const max = isIP(address) === 4 ? 32 : 128;
  return /^\d+$/.test(bits) && Number(bits) <= max ? undefined : "has a bad prefix length";
}

export function originProblem(item: string): string | undefined {
  if (item === "*") return undefined;
  try {
    const url = new URL(item);
    if (!/^https?:$/.test(url.protocol) || url.origin !== item.replace(/\/$/, ""))
      return "is not an origin such as https://app.example.com (scheme, host, port; no path)";
  } catch {
    return "is not an origin such as https://app.example.com";
  }
  return undefined;
}

export function hostProblem(item: string): string | undefined {
  if (cidrProblem(item) === undefined) return undefined;
  return /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(item)
    ? undefined
    : "is not a host name, *.domain, IP address or CIDR range";
}

export function cron(value: string | undefined, ctx: z.RefinementCtx): string | undefined {
  if (value === undefined) return undefined;
  try {
    new Cron(value, { timezone: "UTC", paused: true }).stop();
  } catch (error) {
    ctx.addIssue({
      code: "custom",
      message: `is not a cron expression: ${(error as Error).message}`,
    });
  }
  return value;
}
