import { Alert, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import type { StepDefinition } from "../../../../server/src/engine/definition.ts";
import type { StepRunDetail } from "../../api/answers.ts";
import { StatusBadge } from "../../components/status-badge.tsx";
import { JsonBlock } from "./json-block.tsx";
import { shownError } from "./run-trigger.ts";
import { formatDuration } from "../../format/duration.ts";

/**
 * One step run opened: its error, each attempt, the input its latest attempt ran on (as the
 * server stored it: expressions filled in, secrets masked) and its output. Before any attempt
 * has run, the input shown is the step's configuration, placeholders and all.
 */
export function StepDetails({
  step,
  definition,
  now,
}: {
  step: StepRunDetail;
  definition: StepDefinition | undefined;
  now: number;
}) {
  const error = shownError(step.error);
  const ran = step.attempts.findLast((attempt) => attempt.input !== null);
  return (
    <Stack gap="sm">
      {error ? (
        <Alert color="red" title={`Failed: ${error.kind}`} data-testid="step-error">
          {error.message}
        </Alert>
      ) : null}
      {step.attempts.length === 0 ? (
        <Text size="sm" c="dimmed">
          {step.status === "skipped" ? "Skipped: no attempt was made." : "No attempt yet."}
        </Text>
      ) : (
        <Attempts step={step} now={now} />
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <JsonBlock
          title={`Input of ${step.id}`}
          value={
            ran
              ? ran.input
              : definition
                ? (definition.with ?? {})
                : "loading the step's definition…"
          }
        />
        <JsonBlock title={`Output of ${step.id}`} value={step.output} />
      </SimpleGrid>
      <Text size="xs" c="dimmed" data-testid={`input-note-${step.id}`}>
        {ran
          ? `The input attempt ${ran.number} ran on, with its {{ }} placeholders filled in and secrets masked.`
          : step.attempts.length > 0
            ? "No attempt got as far as filling in its input: this is the step's configuration in this run's version, {{ }} placeholders and all."
            : "Not run yet: the input is the step's configuration in this run's version; its {{ }} placeholders are filled in when an attempt runs."}
      </Text>
    </Stack>
  );
}

function Attempts({ step, now }: { step: StepRunDetail; now: number }) {
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table aria-label={`Attempts of ${step.id}`} verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Attempt</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Started</Table.Th>
            <Table.Th>Duration</Table.Th>
            <Table.Th>Error</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {step.attempts.map((attempt) => {
            const error = shownError(attempt.error);
            const running = attempt.startedAt && !attempt.endedAt;
            const duration =
              attempt.durationMs ??
              (running ? Math.max(0, now - Date.parse(attempt.startedAt!)) : undefined);
            return (
              <Table.Tr key={attempt.number}>
                <Table.Td>{attempt.number}</Table.Td>
                <Table.Td>
                  <StatusBadge status={attempt.status} size="sm" />
                </Table.Td>
                <Table.Td>
                  {attempt.startedAt ? (
                    <time dateTime={attempt.startedAt}>
                      {new Date(attempt.startedAt).toLocaleTimeString()}
                    </time>
                  ) : (
                    <Text size="sm" c="dimmed">
                      {attempt.availableAt
                        ? `due ${new Date(attempt.availableAt).toLocaleTimeString()}`
                        : "—"}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{duration === undefined ? "—" : formatDuration(duration)}</Table.Td>
                <Table.Td>
                  {error ? (
                    <Text size="sm" c="red">
                      <Text span fw={600} inherit>
                        {error.kind}
                      </Text>
                      : {error.message}
                    </Text>
                  ) : (
                    "—"
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
