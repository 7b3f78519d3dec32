import { Anchor, Center, Group, Loader, Paper, Stack, Table, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import type { RunSummary, WorkflowDetail } from "../../api/answers.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { StatusBadge } from "../../components/status-badge.tsx";
import { durationText, instantText } from "./time-text.ts";
import { workflowRunsQuery } from "./workflow-queries.ts";

/** How many of the newest runs the tab lists; the Runs page has the rest. */
const RECENT_RUNS = 20;

/** The workflow's newest runs, each linked to its page, and the way to all of them. */
export function RunsTab({ workflow, canEdit }: { workflow: WorkflowDetail; canEdit: boolean }) {
  const runs = useQuery(workflowRunsQuery(workflow.id, { limit: RECENT_RUNS }));
  const all = (
    <Anchor
      renderRoot={(props) => <Link to="/runs" search={{ workflow: workflow.name }} {...props} />}
    >
      All runs of this workflow
    </Anchor>
  );

  if (runs.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label="Loading runs" />
      </Center>
    );
  }
  if (runs.isError) return <ErrorAlert error={runs.error} title="The runs could not be loaded" />;
  if (runs.data.items.length === 0) {
    return (
      <Paper withBorder p="md" radius="md">
        <Text>
          No runs yet.{" "}
          {canEdit
            ? "Start one with the Run button, or through one of its triggers."
            : "Runs appear here once a trigger or an editor starts one."}
        </Text>
      </Paper>
    );
  }
  return (
    <Stack>
      <RecentRuns runs={runs.data.items} />
      <Group>{all}</Group>
    </Stack>
  );
}

function RecentRuns({ runs }: { runs: RunSummary[] }) {
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped highlightOnHover aria-label="Recent runs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Run</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Trigger</Table.Th>
            <Table.Th>Started</Table.Th>
            <Table.Th>Duration</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {runs.map((run) => (
            <Table.Tr key={run.id} data-run-id={run.id}>
              <Table.Td>
                <Anchor
                  ff="monospace"
                  size="sm"
                  title={run.id}
                  renderRoot={(props) => (
                    <Link to="/runs/$runId" params={{ runId: run.id }} {...props} />
                  )}
                >
                  {run.id.slice(-8)}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <StatusBadge status={run.status} />
              </Table.Td>
              <Table.Td>{run.triggerType}</Table.Td>
              <Table.Td>
                {run.startedAt ? (
                  <time dateTime={run.startedAt}>{instantText(run.startedAt)}</time>
                ) : (
                  <Text size="sm" c="dimmed">
                    not yet
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{run.durationMs === null ? "—" : durationText(run.durationMs)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
