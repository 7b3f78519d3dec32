import { StepRegistry } from "../step-registry.ts";
import { delayStep } from "./delay.ts";
import { createHttpStep } from "./http.ts";
import { logStep } from "./log.ts";
import { transformStep } from "./transform.ts";

export interface CoreStepOptions {
  /** WEFT_HTTP_ALLOW_HOSTS: internal hosts `http` steps may reach; none by default. */
  httpAllowHosts?: readonly string[];
}

/** The registry of the core step types; later types register beside these. */
export function createCoreStepRegistry(options: CoreStepOptions = {}): StepRegistry {
  const httpStep = createHttpStep({ allowHosts: options.httpAllowHosts });
  return new StepRegistry([httpStep, transformStep, delayStep, logStep]);
}
