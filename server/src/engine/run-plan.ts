import type { Db } from "../store/database.ts";
import { dependentsOf } from "./dag.ts";
import type { StepDefinition, WorkflowDefinition } from "./definition.ts";

/** A version's definition prepared for running: steps by id, their dependents and leaves. */
export interface RunPlan {
  workflowId: string;
  version: number;
  definition: WorkflowDefinition;
  steps: Map<string, StepDefinition>;
  dependents: Map<string, string[]>;
  /** Steps no other step needs; their outputs make the run's output. */
  leaves: string[];
}

export function createRunPlan(
  workflowId: string,
  version: number,
  definition: WorkflowDefinition,
): RunPlan {
  const dependents = dependentsOf(definition.steps);
  return {
    workflowId,
    version,
    definition,
    steps: new Map(definition.steps.map((s) => [s.id, s])),
    dependents,
    leaves: definition.steps.filter((s) => dependents.get(s.id)?.length === 0).map((s) => s.id),
  };
}

/**
 * Versions never change, so their plans are cached for the life of the process.
 * Bounded so a store with thousands of versions does not hold them all.
 */
export class RunPlanCache {
  readonly #plans = new Map<string, RunPlan>();
  readonly #db: Db;
  readonly #limit: number;

  constructor(db: Db, limit = 500) {
    this.#db = db;
    this.#limit = limit;
  }

  /** The plan of a version; throws if it does not exist. Inside a transaction, pass it as `db`. */
  async require(workflowId: string, version: number, db: Db = this.#db): Promise<RunPlan> {
    const key = `${workflowId}@${version}`;
    const cached = this.#plans.get(key);
    if (cached) return cached;

    const row = await db
      .selectFrom("workflow_versions")
      .select("definition")
      .where("workflow_id", "=", workflowId)
      .where("version", "=", version)
      .executeTakeFirstOrThrow();
    const plan = createRunPlan(workflowId, version, JSON.parse(row.definition));
    if (this.#plans.size >= this.#limit) this.#plans.delete(this.#plans.keys().next().value!);
    this.#plans.set(key, plan);
    return plan;
  }
}
