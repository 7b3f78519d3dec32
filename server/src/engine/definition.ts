import { z } from "zod";
import { formatDuration, parseDuration } from "./duration.ts";

const MAX_STEP_TIMEOUT_MS = 24 * 3_600_000;
const MAX_RUN_TIMEOUT_MS = 30 * 86_400_000;

/** A duration like `10s` between `min` and `max` milliseconds. */
function duration(min: number, max: number, what: string) {
  return z.union([z.string(), z.number()]).superRefine((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `"${value}" is not a duration: use a number with ms, s, m, h or d, like 10s`,
      });
    } else if (ms < min || ms > max) {
      const range = `${formatDuration(min)} and ${formatDuration(max)}`;
      ctx.addIssue({ code: "custom", message: `${what} must be between ${range}` });
    }
  });
}

const identifier = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/,
    "must start with a letter or _ and hold only letters, digits, _ and -",
  );

export const retryPolicySchema = z
  .object({
    attempts: z.number().int().min(1).max(100).default(1),
    backoff: z.enum(["fixed", "exponential"]).default("exponential"),
    initialDelay: duration(0, 86_400_000, "initialDelay").default("1s"),
    maxDelay: duration(0, 86_400_000, "maxDelay").default("5m"),
    jitter: z.boolean().default(true),
    /** Failure kinds that may be retried; by default whatever the step type calls retryable. */
    retryOn: z.array(z.string()).optional(),
  })
  .strict();

export const stepSchema = z
  .object({
    id: identifier,
    type: z.string().min(1),
    name: z.string().max(200).optional(),
    needs: z.array(z.string()).default([]),
    if: z.string().optional(),
    with: z.record(z.string(), z.unknown()).default({}),
    retry: retryPolicySchema.optional(),
    timeout: duration(1, MAX_STEP_TIMEOUT_MS, "timeout").optional(),
  })
  .strict();

/** Signature schemes a webhook trigger can check; all but GitHub's sign a timestamp too. */
export const VERIFY_SCHEMES = ["github", "stripe", "slack", "standard"] as const;

const verifySchema = z
  .object({
    scheme: z.enum(VERIFY_SCHEMES),
    secret: z.string().min(1),
    /** How far a signed timestamp may be from now, either way; 5m unless set. */
    tolerance: duration(1000, 3_600_000, "tolerance").optional(),
  })
  .strict()
  .refine((verify) => verify.scheme !== "github" || verify.tolerance === undefined, {
    message: "tolerance does not apply to github, whose signature carries no timestamp",
    path: ["tolerance"],
  });

const webhookTriggerSchema = z
  .object({
    type: z.literal("webhook"),
    id: identifier.optional(),
    verify: verifySchema.optional(),
    respond: z
      .object({
        wait: z.boolean().default(false),
        step: z.string().optional(),
        timeout: duration(1, 300_000, "respond.timeout").default("30s"),
      })
      .strict()
      .optional(),
  })
  .strict();

const scheduleTriggerSchema = z
  .object({
    type: z.literal("schedule"),
    id: identifier.optional(),
    cron: z.string().min(1),
    timezone: z.string().default("UTC"),
    catchUp: z.enum(["none", "latest", "all"]).default("latest"),
    catchUpLimit: z.number().int().min(1).max(1000).default(10),
    input: z.unknown().optional(),
  })
  .strict();

const manualTriggerSchema = z
  .object({ type: z.literal("manual"), id: identifier.optional() })
  .strict();

export const triggerSchema = z.discriminatedUnion("type", [
  manualTriggerSchema,
  webhookTriggerSchema,
  scheduleTriggerSchema,
]);

/** The one schema of a workflow definition; it also feeds the OpenAPI document. */
export const definitionSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, "must be 1-100 lowercase letters, digits, ., _ or -"),
    description: z.string().max(2000).default(""),
    tags: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,49}$/, "must be a lowercase tag"))
      .default([]),
    timeout: duration(1, MAX_RUN_TIMEOUT_MS, "timeout").optional(),
    triggers: z.array(triggerSchema).default([]),
    steps: z.array(stepSchema).min(1, "a workflow needs at least one step").max(500),
  })
  .strict();

export type WorkflowDefinition = z.output<typeof definitionSchema>;
export type StepDefinition = z.output<typeof stepSchema>;
export type TriggerDefinition = z.output<typeof triggerSchema>;
export type WebhookTrigger = z.output<typeof webhookTriggerSchema>;
export type ScheduleTrigger = z.output<typeof scheduleTriggerSchema>;
export type RetryPolicy = z.output<typeof retryPolicySchema>;

/** Each trigger's id: its own, or its type numbered from the second of that type on. */
export function triggerIds(triggers: readonly TriggerDefinition[]): string[] {
  const seen = new Map<string, number>();
  return triggers.map((trigger) => {
    if (trigger.id) return trigger.id;
    const count = (seen.get(trigger.type) ?? 0) + 1;
    seen.set(trigger.type, count);
    return count === 1 ? trigger.type : `${trigger.type}-${count}`;
  });
}
