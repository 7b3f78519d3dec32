import { Accordion, Box, Group, Stack, Text } from "@mantine/core";
import type { RunDetail, StepRunDetail } from "../../api/answers.ts";
import type { StepDefinition } from "../../../../server/src/engine/definition.ts";
import { StatusBadge, statusColor } from "../../components/status-badge.tsx";
import { StepDetails } from "./step-details.tsx";
import { formatDuration } from "../../format/duration.ts";
import {
  stepBar,
  stepDurationMs,
  stepsInStartOrder,
  type TimelineSpan,
  timelineSpan,
} from "./timeline.ts";

/**
 * The run's step runs in start order, one row each: status in words and colour, a bar placed
 * by when the step started and sized by how long it took on the run's span, its duration and
 * attempts. A row opens to the step's attempts, input and output.
 */
export function StepTimeline({
  run,
  now,
  definitions,
}: {
  run: RunDetail;
  now: number;
  /** The steps as the run's version defines them, once loaded: for their configured input. */
  definitions: ReadonlyMap<string, StepDefinition> | undefined;
}) {
  const span = timelineSpan(run, now);
  const steps = stepsInStartOrder(run.steps);
  if (steps.length === 0)
    return <Text c="dimmed">No step has been scheduled yet: the run is waiting for a worker.</Text>;

  return (
    <Accordion multiple variant="separated" chevronPosition="left" aria-label="Steps">
      {steps.map((step) => (
        <Accordion.Item
          key={step.id}
          value={step.id}
          data-timeline-step={step.id}
          data-status={step.status}
        >
          <Accordion.Control aria-label={`Step ${step.id}: ${step.status}`}>
            <StepRow step={step} span={span} now={now} />
          </Accordion.Control>
          <Accordion.Panel>
            <StepDetails step={step} definition={definitions?.get(step.id)} now={now} />
          </Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  );
}

function StepRow({ step, span, now }: { step: StepRunDetail; span: TimelineSpan; now: number }) {
  const bar = stepBar(step, span, now);
  const duration = stepDurationMs(step, now);
  const offset = step.startedAt ? Date.parse(step.startedAt) - span.start : undefined;
  const attempts = step.attempts.length;

  return (
    <Stack gap={6}>
      <Group gap="xs" justify="space-between" wrap="wrap">
        <Group gap="xs" wrap="nowrap" miw={0}>
          <Text fw={600} ff="monospace" size="sm" truncate="end">
            {step.id}
          </Text>
          {step.type ? (
            <Text size="xs" c="dimmed">
              {step.type}
            </Text>
          ) : null}
          <StatusBadge status={step.status} data-testid="step-status" />
        </Group>
        <Group gap="md" wrap="nowrap">
          <Text size="xs" c="dimmed">
            {attempts === 1 ? "1 attempt" : `${attempts} attempts`}
          </Text>
          <Text size="sm" ff="monospace" data-testid="step-duration">
            {duration === undefined ? "—" : formatDuration(duration)}
          </Text>
        </Group>
      </Group>
      <Box pos="relative" h={10} bg="var(--mantine-color-default-hover)" aria-hidden>
        {bar ? (
          <Box
            data-testid="step-bar"
            pos="absolute"
            top={0}
            h={10}
            bg={`var(--mantine-color-${statusColor(step.status)}-filled)`}
            style={{ left: `${bar.offsetPct}%`, width: `${bar.widthPct}%`, borderRadius: 2 }}
          />
        ) : null}
      </Box>
      <Text size="xs" c="dimmed">
        {offset === undefined
          ? notStartedText(step.status)
          : `started at +${formatDuration(Math.max(0, offset))}`}
        {step.status === "waiting" && step.wakeAt
          ? ` · waiting until ${new Date(step.wakeAt).toLocaleTimeString()}`
          : ""}
      </Text>
    </Stack>
  );
}

function notStartedText(status: string): string {
  if (status === "skipped") return "skipped: its condition was false or its needs were skipped";
  if (status === "cancelled") return "cancelled before it started";
  return "not started yet";
}
