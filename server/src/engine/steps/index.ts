import { StepRegistry } from "../step-registry.ts";
import { delayStep } from "./delay.ts";
import { httpStep } from "./http.ts";
import { logStep } from "./log.ts";
import { transformStep } from "./transform.ts";

/** The registry of the core step types; later types register beside these. */
export function createCoreStepRegistry(): StepRegistry {
  return new StepRegistry([httpStep, transformStep, delayStep, logStep]);
}
