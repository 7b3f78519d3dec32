import { z } from "zod";
import { defineStepType } from "../step-type.ts";

/** Reshapes data with one JSONata expression over `{ trigger, steps, run }`. */
export const transformStep = defineStepType({
  type: "transform",
  with: z.object({ expression: z.string().min(1, "expression must not be empty") }).strict(),
  expressionFields: ["expression"],
  async execute(input, context) {
    return { output: await context.evaluate(input.expression) };
  },
});
