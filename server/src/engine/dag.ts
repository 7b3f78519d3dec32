/** A step's place in the graph: who it needs and who needs it. */
export interface StepNode {
  id: string;
  needs: readonly string[];
}

/**
 * Finds one cycle among the steps, as the ids along it with the first repeated at the end
 * (`["a", "b", "a"]`), or undefined when the graph is acyclic. Unknown needs are ignored.
 */
export function findCycle(steps: readonly StepNode[]): string[] | undefined {
  const needs = new Map(steps.map((s) => [s.id, s.needs]));
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];

  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === "done") return undefined;
    if (state.get(id) === "visiting") return [...path.slice(path.indexOf(id)), id];
    state.set(id, "visiting");
    path.push(id);
    for (const need of needs.get(id) ?? []) {
      if (!needs.has(need)) continue;
      const cycle = visit(need);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, "done");
    return undefined;
  };

  for (const step of steps) {
    const cycle = visit(step.id);
    if (cycle) return cycle.reverse();
  }
  return undefined;
}

/** For each step, the steps that list it in their needs. */
export function dependentsOf(steps: readonly StepNode[]): Map<string, string[]> {
  const dependents = new Map<string, string[]>(steps.map((s) => [s.id, []]));
  for (const step of steps) {
    for (const need of step.needs) dependents.get(need)?.push(step.id);
  }
  return dependents;
}
