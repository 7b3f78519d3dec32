import { z } from "zod";
import { StepFailure } from "../../errors.ts";
import { parseDuration } from "../duration.ts";
import { defineStepType } from "../step-type.ts";

const MAX_DELAY_MS = 366 * 86_400_000;

/**
 * A durable sleep: the attempt ends at once and the step run waits in the store until its
 * instant, so no worker is held and a restart does not lose it.
 */
export const delayStep = defineStepType({
  type: "delay",
  with: z
    .object({
      duration: z.union([z.string(), z.number()]).optional(),
      until: z.string().optional(),
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
    return { sleepUntil: Math.min(Math.max(until, now), now + MAX_DELAY_MS) };
  },
});
