import { Anchor, ScrollArea, Stack, Table, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import type { RunSummary } from "../../../api/answers.ts";
import { formatRelative } from "../format.ts";
import { recentFailuresQuery } from "./stats-queries.ts";
import { EmptyWidget, QueryBody } from "./widget-states.tsx";

/** The latest failed runs, each linking to its page, and the way to all of them. */
export function RecentFailuresWidget({ title, limit }: { title: string; limit: number }) {
  const query = useQuery(recentFailuresQuery(limit));
  return (
    <QueryBody query={query} title={title}>
      {(page) =>
        page.items.length === 0 ? (
          <EmptyWidget reason="No failed runs. Failures show up here as they happen." />
        ) : (
          <Stack gap="xs" h="100%">
            <ScrollArea flex={1} mih={0}>
              <Table aria-label={title} verticalSpacing={6}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Workflow</Table.Th>
                    <Table.Th>Error</Table.Th>
                    <Table.Th>Failed</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {page.items.map((run) => (
                    <FailureRow key={run.id} run={run} />
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea>
            <Anchor
              size="sm"
              renderRoot={(props) => <Link to="/runs" search={{ status: "failed" }} {...props} />}
            >
              All failed runs
            </Anchor>
          </Stack>
        )
      }
    </QueryBody>
  );
}

function FailureRow({ run }: { run: RunSummary }) {
  const when = run.endedAt ?? run.createdAt;
  return (
    <Table.Tr data-run-id={run.id}>
      <Table.Td>
        <Anchor
          size="sm"
          aria-label={`Failed run of ${run.workflowName}`}
          renderRoot={(props) => <Link to="/runs/$runId" params={{ runId: run.id }} {...props} />}
        >
          {run.workflowName}
        </Anchor>
      </Table.Td>
      <Table.Td maw={260}>
        <Text size="sm" c="red.7" truncate="end" title={errorText(run.error)}>
          {errorText(run.error)}
        </Text>
      </Table.Td>
      <Table.Td>
        {when ? (
          <Text size="sm" component="time" dateTime={when} title={new Date(when).toLocaleString()}>
            {formatRelative(when)}
          </Text>
        ) : null}
      </Table.Td>
    </Table.Tr>
  );
}

/** A run's stored error, as its message when it has one. */
function errorText(error: unknown): string {
  if (error && typeof error === "object" && "message" in error) return String(error.message);
  return error ? JSON.stringify(error) : "";
}
