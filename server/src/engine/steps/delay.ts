import { z } from "zod";
import { StepFailure } from "../../errors.ts";
import { parseDuration } from "../duration.ts";
import { defineStepType } from "../step-type.ts";

const MAX_DELAY_MS = 366 * 86_400_000;

// A `{{ }}` placeholder is checked again, once interpolated, when the attempt runs.
const isTemplate = (value: unknown) => typeof value === "string" && value.includes("{{");

function isDelayDuration(value: string | number): boolean {
  if (isTemplate(value)) return true;
  const ms = parseDuration(value);
  return ms !== undefined && ms <= MAX_DELAY_MS;
}

/**
 * A durable sleep: the attempt ends at once and the step run waits in the store until its
 * instant, so no worker is held and a restart does not lose it.
 */
export const delayStep = defineStepType({
  type: "delay",
  with: z
    .object({
      duration: z
        .union([z.string(), z.number()])
        .refine(isDelayDuration, { message: "must be a duration up to 366d, like 10s or 2h" })
        .optional(),
      until: z
        .string()
        .refine((v) => isTemplate(v) || !Number.isNaN(Date.parse(v)), {
          message: "must be an ISO 8601 instant like 2026-12-01T09:00:00Z",
        })
        .optional(),
    })
    .strict()
    .refine((w) => (w.duration === undefined) !== (w.until === undefined), {
      message: "give exactly one of duration or until",
    }),
  async execute(input) {
    const now = Date.now();
    if (input.duration !== undefined) {
      const ms = parseDuration(input.duration);
      if (ms === undefined || ms > MAX_DELAY_MS) {
        throw new StepFailure(
          "invalid-input",
          `duration "${input.duration}" must be a duration up to 366d`,
          {
            retryable: false,
          },
        );
      }
      return { sleepUntil: now + ms };
    }
    const until = Date.parse(input.until ?? "");
    if (Number.isNaN(until)) {
      throw new StepFailure("invalid-input", `until "${input.until}" is not an ISO 8601 instant`, {
        retryable: false,
      });
    }
    if (until > now + MAX_DELAY_MS) {
      throw new StepFailure("invalid-input", `until "${input.until}" is more than 366d away`, {
        retryable: false,
      });
    }
    return { sleepUntil: Math.max(until, now) };
  },
});
