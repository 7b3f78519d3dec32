import { describe, expect, it } from "vitest";
import {
  type GraphStep,
  type LayoutDirection,
  layoutSteps,
  NODE_HEIGHT,
  NODE_WIDTH,
  type PlacedStep,
} from "./step-layout.ts";

const diamond: GraphStep[] = [
  { id: "fetch", type: "http", needs: [] },
  { id: "parse", type: "transform", needs: ["fetch"] },
  { id: "notify", type: "log", needs: ["fetch"], if: "steps.fetch.output.status == 200" },
  { id: "report", type: "log", needs: ["parse", "notify"] },
];

const wide: GraphStep[] = Array.from({ length: 12 }, (_, i) => ({
  id: `s${i}`,
  type: "log",
  needs: i < 3 ? [] : [`s${i % 3}`, ...(i >= 6 ? [`s${i - 3}`] : [])],
}));

const overlaps = (a: PlacedStep, b: PlacedStep) =>
  a.x < b.x + NODE_WIDTH &&
  b.x < a.x + NODE_WIDTH &&
  a.y < b.y + NODE_HEIGHT &&
  b.y < a.y + NODE_HEIGHT;

describe.each<LayoutDirection>(["LR", "TB"])("layoutSteps (%s)", (direction) => {
  /** The coordinate that grows along the direction of the flow. */
  const along = (step: PlacedStep) => (direction === "LR" ? step.x : step.y);
  const extent = direction === "LR" ? NODE_WIDTH : NODE_HEIGHT;

  it.each([
    ["a diamond", diamond],
    ["twelve steps on three chains", wide],
  ])("places each step wholly after the steps it needs: %s", (_, steps) => {
    const placed = new Map(layoutSteps(steps, direction).steps.map((s) => [s.id, s]));
    for (const step of steps) {
      for (const need of step.needs) {
        expect(along(placed.get(step.id)!)).toBeGreaterThanOrEqual(
          along(placed.get(need)!) + extent,
        );
      }
    }
  });

  it.each([
    ["a diamond", diamond],
    ["twelve steps on three chains", wide],
  ])("lets no two steps overlap: %s", (_, steps) => {
    const placed = layoutSteps(steps, direction).steps;
    expect(placed).toHaveLength(steps.length);
    for (const [i, a] of placed.entries()) {
      for (const b of placed.slice(i + 1))
        expect(overlaps(a, b), `${a.id} and ${b.id}`).toBe(false);
    }
  });
});

describe("layoutSteps edges", () => {
  it("draws one edge per need, from the needed step, and none to an unknown step", () => {
    const steps: GraphStep[] = [
      { id: "a", type: "log", needs: [] },
      { id: "b", type: "log", needs: ["a", "a", "ghost"] },
    ];
    const layout = layoutSteps(steps, "LR");
    expect(layout.edges).toEqual([{ id: "a->b", source: "a", target: "b" }]);
    expect(layout.steps.map((s) => s.id)).toEqual(["a", "b"]);
  });

  it("lays out a single step with no edges", () => {
    const layout = layoutSteps([{ id: "only", type: "log", needs: [] }], "TB");
    expect(layout.edges).toEqual([]);
    expect(Number.isFinite(layout.steps[0]!.x)).toBe(true);
  });
});
