import { Anchor, Table } from "@mantine/core";
import { Link } from "@tanstack/react-router";
import type { RunSummary } from "../api/answers.ts";
import { formatDuration } from "../format/duration.ts";
import { StatusBadge } from "./status-badge.tsx";

/**
 * Runs as a table, newest first as given, each id a link to its page. The workflow column is
 * left out where every run is of one workflow. Each row carries `data-run-id`.
 */
export function RunsTable({
  runs,
  label,
  showWorkflow = true,
}: {
  runs: RunSummary[];
  label: string;
  showWorkflow?: boolean;
}) {
  return (
    <Table.ScrollContainer minWidth={showWorkflow ? 720 : 560}>
      <Table striped highlightOnHover aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Run</Table.Th>
            {showWorkflow ? <Table.Th>Workflow</Table.Th> : null}
            <Table.Th>Status</Table.Th>
            <Table.Th>Trigger</Table.Th>
            <Table.Th>Created</Table.Th>
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
                  aria-label={`Run ${run.id}`}
                  renderRoot={(props) => (
                    <Link to="/runs/$runId" params={{ runId: run.id }} {...props} />
                  )}
                >
                  {/* Ids are time-ordered (UUIDv7): runs of one moment differ at the end. */}
                  {run.id.slice(-8)}
                </Anchor>
              </Table.Td>
              {showWorkflow ? (
                <Table.Td>
                  <Anchor
                    size="sm"
                    renderRoot={(props) => (
                      <Link
                        to="/workflows/$workflowId"
                        params={{ workflowId: run.workflowName }}
                        {...props}
                      />
                    )}
                  >
                    {run.workflowName}
                  </Anchor>
                </Table.Td>
              ) : null}
              <Table.Td>
                <StatusBadge status={run.status} />
              </Table.Td>
              <Table.Td>{run.triggerType}</Table.Td>
              <Table.Td>
                {run.createdAt ? (
                  <time dateTime={run.createdAt}>{new Date(run.createdAt).toLocaleString()}</time>
                ) : null}
              </Table.Td>
              <Table.Td>{run.durationMs === null ? "—" : formatDuration(run.durationMs)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
