import { expect } from "vitest";
import { createCoreStepRegistry } from "../../src/engine/steps/index.ts";
import { validateDefinition } from "../../src/engine/validate.ts";
import { type Issue, ValidationError } from "../../src/errors.ts";

/** Builders for definitions and a reader of the issues validateDefinition reports. */

export const registry = createCoreStepRegistry();

export const log = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: "log",
  with: { message: "hi" },
  ...extra,
});

export const workflow = (steps: unknown[], extra: Record<string, unknown> = {}) => ({
  name: "wf",
  steps,
  ...extra,
});

/** The issues validateDefinition throws for `raw`; fails if it does not throw a ValidationError. */
export function issuesOf(raw: unknown): Issue[] {
  try {
    validateDefinition(raw, registry);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error("the definition was accepted");
}
