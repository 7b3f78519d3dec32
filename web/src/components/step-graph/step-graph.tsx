import "@xyflow/react/dist/style.css";
import { Box, Group, Stack, Text, useComputedColorScheme } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { Controls, type Edge, MarkerType, type NodeTypes, ReactFlow } from "@xyflow/react";
import { useMemo } from "react";
import type { StepRunStatus } from "../../../../server/src/store/schema.ts";
import { StatusBadge } from "../status-badge.tsx";
import {
  type GraphStep,
  type LayoutDirection,
  layoutSteps,
  NODE_HEIGHT,
  NODE_WIDTH,
} from "./step-layout.ts";
import { type StepNode, StepNodeView, stepAriaLabel } from "./step-node.tsx";

export interface StepGraphProps {
  steps: readonly GraphStep[];
  /** Each step's status in one run, by step id; without it the graph is uncoloured. */
  statuses?: Record<string, string>;
}

/** A step run's statuses in the order a run goes through them, for the legend. */
export const STEP_STATUSES: readonly StepRunStatus[] = [
  "pending",
  "queued",
  "running",
  "waiting",
  "succeeded",
  "failed",
  "skipped",
  "cancelled",
];

const nodeTypes: NodeTypes = { step: StepNodeView };

/** React Flow's screen-reader hints speak of selecting and deleting, which this graph has not. */
const READ_ONLY_DESCRIPTIONS = {
  "node.a11yDescription.default": "A step of the workflow. Tab moves to the next step.",
  "node.a11yDescription.keyboardDisabled": "A step of the workflow.",
  "edge.a11yDescription.default": "A dependency between two steps.",
};

/**
 * A workflow's steps as a read-only graph: an arrow from each step to the steps that need
 * it. With `statuses` every node shows its status in colour and in words, with a legend.
 */
export function StepGraph({ steps, statuses }: StepGraphProps) {
  const narrow = useMediaQuery("(max-width: 48em)") ?? false;
  const direction: LayoutDirection = narrow ? "TB" : "LR";
  const scheme = useComputedColorScheme("light");
  const layout = useMemo(() => layoutSteps(steps, direction), [steps, direction]);

  const nodes = useMemo<StepNode[]>(() => {
    const byId = new Map(steps.map((step) => [step.id, step]));
    return layout.steps.map((placed) => {
      const step = byId.get(placed.id)!;
      const status = statuses ? (statuses[step.id] ?? "pending") : undefined;
      return {
        id: step.id,
        type: "step",
        position: { x: placed.x, y: placed.y },
        data: { step, status, direction },
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        ariaLabel: stepAriaLabel(step, status),
      };
    });
  }, [layout, steps, statuses, direction]);

  const edges = useMemo<Edge[]>(
    () =>
      layout.edges.map((edge) => ({
        ...edge,
        markerEnd: { type: MarkerType.ArrowClosed },
        animated: statuses?.[edge.target] === "running",
      })),
    [layout, statuses],
  );

  return (
    <Stack gap="xs">
      <Box
        h={graphHeight(layout.steps, direction)}
        bd="1px solid var(--mantine-color-default-border)"
        role="figure"
        aria-label={`Step graph of ${steps.length} step${steps.length === 1 ? "" : "s"}`}
      >
        <ReactFlow
          // A new layout (another definition, a turned phone) fits the view afresh.
          key={`${direction}:${layout.steps.map((s) => s.id).join(",")}`}
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          colorMode={scheme}
          fitView
          fitViewOptions={{ padding: 0.15, maxZoom: 1.2 }}
          minZoom={0.2}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          edgesFocusable={false}
          ariaLabelConfig={READ_ONLY_DESCRIPTIONS}
          zoomOnScroll={false}
          preventScrolling={false}
        >
          <Controls showInteractive={false} />
        </ReactFlow>
      </Box>
      {statuses ? <StatusLegend /> : null}
    </Stack>
  );
}

/** What each colour means, always with the word; filled, like the badges on the nodes. */
function StatusLegend() {
  return (
    <Group gap={6} aria-label="Status colours">
      <Text size="xs" c="dimmed">
        Status:
      </Text>
      {STEP_STATUSES.map((status) => (
        <StatusBadge key={status} status={status} size="xs" variant="filled" />
      ))}
    </Group>
  );
}

/** Tall enough to show the graph at about full size, within what fits a screen. */
function graphHeight(placed: readonly { y: number }[], direction: LayoutDirection): number {
  const bottom = Math.max(0, ...placed.map((step) => step.y)) + NODE_HEIGHT + 48;
  const cap = direction === "TB" ? 560 : 480;
  return Math.min(Math.max(bottom, 220), cap);
}
