import { Badge, Group, Paper, Text, Tooltip } from "@mantine/core";
import { Handle, type Node, type NodeProps, Position } from "@xyflow/react";
import { statusColor } from "../status-badge.tsx";
import type { GraphStep, LayoutDirection } from "./step-layout.ts";

/** What a step's node carries: the step, its status when a run colours it, the flow. */
export type StepNodeData = {
  step: GraphStep;
  status: string | undefined;
  direction: LayoutDirection;
};

export type StepNode = Node<StepNodeData, "step">;

/** One step: id, type, a marker when it has a condition, and its status word and colour. */
export function StepNodeView({ data }: NodeProps<StepNode>) {
  const { step, status, direction } = data;
  const color = status === undefined ? undefined : statusColor(status);
  const across = direction === "LR";

  return (
    <Paper
      withBorder
      radius="md"
      p="xs"
      w="100%"
      h="100%"
      data-step-id={step.id}
      data-status={status}
      style={
        color === undefined
          ? undefined
          : {
              borderColor: `var(--mantine-color-${color}-filled)`,
              borderWidth: 2,
              background: `var(--mantine-color-${color}-light)`,
            }
      }
    >
      <Handle
        type="target"
        position={across ? Position.Left : Position.Top}
        isConnectable={false}
      />
      <Group gap={6} wrap="nowrap" justify="space-between">
        <Text ff="monospace" fw={700} size="sm" truncate="end" title={step.id}>
          {step.id}
        </Text>
        {step.if === undefined ? null : (
          <Tooltip label={`Runs only if ${step.if}`} multiline maw={320} withinPortal>
            <Badge size="xs" variant="outline" color="grape" aria-label={`Condition: ${step.if}`}>
              if
            </Badge>
          </Tooltip>
        )}
      </Group>
      <Text size="xs" c="dimmed" truncate="end">
        {step.type}
      </Text>
      {status === undefined ? null : (
        <Badge size="sm" mt={4} color={color} variant="filled" data-testid="step-status">
          {status}
        </Badge>
      )}
      <Handle
        type="source"
        position={across ? Position.Right : Position.Bottom}
        isConnectable={false}
      />
    </Paper>
  );
}

/** What a screen reader hears on a focused node: the whole node in words. */
export function stepAriaLabel(step: GraphStep, status: string | undefined): string {
  const parts = [`Step ${step.id}`, `type ${step.type}`];
  if (step.if !== undefined) parts.push(`runs only if ${step.if}`);
  parts.push(step.needs.length === 0 ? "needs nothing" : `needs ${step.needs.join(", ")}`);
  if (status !== undefined) parts.push(`status ${status}`);
  return parts.join(", ");
}
