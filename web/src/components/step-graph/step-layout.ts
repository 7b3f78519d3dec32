import dagre from "@dagrejs/dagre";

/** A step as the graph needs it: the definition's id, type, dependencies and condition. */
export interface GraphStep {
  id: string;
  type: string;
  needs: string[];
  if?: string;
}

/** Which way dependencies flow: left to right on a wide screen, top down on a narrow one. */
export type LayoutDirection = "LR" | "TB";

/** A step's box: its top-left corner, as React Flow places nodes. */
export interface PlacedStep {
  id: string;
  x: number;
  y: number;
}

export interface StepEdge {
  id: string;
  source: string;
  target: string;
}

export interface StepLayout {
  steps: PlacedStep[];
  edges: StepEdge[];
}

/** Every node is the same size, so that the layout never depends on measured text. */
export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 84;

/**
 * Places the steps so that each one sits after everything it needs, without overlaps. A
 * `needs` entry naming no step is left out: the server refuses such definitions, and an
 * edge to nowhere would only make dagre invent a node.
 */
export function layoutSteps(steps: readonly GraphStep[], direction: LayoutDirection): StepLayout {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: direction, nodesep: 32, ranksep: 64, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));

  for (const step of steps) graph.setNode(step.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const edges = edgesOf(steps);
  for (const edge of edges) graph.setEdge(edge.source, edge.target);
  dagre.layout(graph);

  return {
    steps: steps.map((step) => {
      const node = graph.node(step.id) as { x: number; y: number };
      // dagre gives centres; React Flow wants corners.
      return { id: step.id, x: node.x - NODE_WIDTH / 2, y: node.y - NODE_HEIGHT / 2 };
    }),
    edges,
  };
}

/** One edge from each needed step to the step that needs it. */
export function edgesOf(steps: readonly GraphStep[]): StepEdge[] {
  const known = new Set(steps.map((step) => step.id));
  return steps.flatMap((step) =>
    [...new Set(step.needs)]
      .filter((need) => known.has(need))
      .map((need) => ({ id: `${need}->${step.id}`, source: need, target: step.id })),
  );
}
