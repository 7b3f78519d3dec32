import { z } from "zod";
import { defineStepType } from "../step-type.ts";

/** Writes a message, and optional data, into the run's timeline. */
export const logStep = defineStepType({
  type: "log",
  with: z
    .object({
      message: z.string().min(1, "message must not be empty"),
      level: z.enum(["info", "warn", "error"]).default("info"),
      data: z.unknown().optional(),
    })
    .strict(),
  async execute(input, context) {
    const data = input.data === undefined ? {} : { data: input.data };
    context.log(input.message, { level: input.level, ...data });
    return { output: { message: input.message, ...data } };
  },
});
