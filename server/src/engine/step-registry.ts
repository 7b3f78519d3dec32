import type { StepType } from "./step-type.ts";

/** The step types a Weft instance knows, by their `type` name. */
export class StepRegistry {
  readonly #types = new Map<string, StepType>();

  constructor(types: readonly StepType<unknown>[] = []) {
    for (const type of types) this.register(type);
  }

  /** Adds a step type; a second one with the same name is a programming error. */
  register(type: StepType<unknown>): void {
    if (this.#types.has(type.type)) throw new Error(`step type "${type.type}" is registered twice`);
    this.#types.set(type.type, type as unknown as StepType);
  }

  get(name: string): StepType | undefined {
    return this.#types.get(name);
  }

  names(): string[] {
    return [...this.#types.keys()].sort();
  }
}
