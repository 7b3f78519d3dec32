import type { z } from "zod";

/** What a step type sees while one attempt of it runs. */
export interface StepContext {
  runId: string;
  stepId: string;
  /** 1 for the first try, 2 for the first retry, … */
  attempt: number;
  /**
   * The same for every attempt of a step run, so a retry after a timeout or a crash is
   * recognisable downstream; `http` sends it as `Idempotency-Key`.
   */
  idempotencyKey: string;
  /** Aborted when the run is cancelled or the step's timeout passes. */
  signal: AbortSignal;
  /** The expression scope `{ trigger, steps, run }` the step's fields were interpolated over. */
  scope: ExpressionScope;
  /** Evaluates a JSONata expression over `scope`, bounded in time and depth. */
  evaluate(expression: string): Promise<unknown>;
  /** Appends a line to the run's timeline. */
  log(message: string, data?: Record<string, unknown>): void;
}

export interface ExpressionScope {
  trigger: unknown;
  steps: Record<string, { status: string; output?: unknown; error?: unknown }>;
  run: { id: string; workflowId: string; version: number; startedAt: string };
}

/** A step ends with an output, or asks to be woken at an instant (epoch ms), holding no worker. */
export type StepResult = { output: unknown } | { sleepUntil: number };

/**
 * A step type is a plugin: its `with` schema is checked when a workflow is saved and again,
 * after `{{ }}` interpolation, before each attempt.
 */
export interface StepType<With = unknown> {
  type: string;
  /** Checks the `with` block; its issues are reported under `steps[i].with`. */
  with: z.ZodType<With>;
  /** Fields of `with` that are expressions themselves and are not interpolated. */
  expressionFields?: readonly string[];
  execute(input: With, context: StepContext): Promise<StepResult>;
}

/** Builds a step type with its `with` type inferred from the schema. */
export function defineStepType<S extends z.ZodType>(
  definition: Omit<StepType<z.output<S>>, "with"> & { with: S },
): StepType<z.output<S>> {
  return definition as StepType<z.output<S>>;
}
