import { ScrollArea, Table } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { formatDuration } from "../../../format/duration.ts";
import { rangeText, type StatsRange } from "../widget-kinds.ts";
import { slowestQuery } from "./stats-queries.ts";
import { EmptyWidget, QueryBody } from "./widget-states.tsx";
import { WorkflowLink } from "./workflow-link.tsx";

/** Workflows by the mean duration of their runs that ended in the range, slowest first. */
export function SlowestWorkflowsWidget({
  title,
  range,
  limit,
}: {
  title: string;
  range: StatsRange;
  limit: number;
}) {
  const query = useQuery(slowestQuery(range, limit));
  return (
    <QueryBody query={query} title={title}>
      {(answer) =>
        answer.items.length === 0 ? (
          <EmptyWidget reason={`No run ended in ${rangeText(range)}.`} />
        ) : (
          <ScrollArea h="100%">
            <Table aria-label={title} verticalSpacing={6}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Workflow</Table.Th>
                  <Table.Th ta="right">Runs</Table.Th>
                  <Table.Th ta="right">Average</Table.Th>
                  <Table.Th ta="right">Longest</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {answer.items.map((item) => (
                  <Table.Tr key={item.workflowId} data-workflow-id={item.workflowId}>
                    <Table.Td>
                      <WorkflowLink id={item.workflowId} name={item.workflowName} />
                    </Table.Td>
                    <Table.Td ta="right">{item.runs}</Table.Td>
                    <Table.Td ta="right">{formatDuration(item.avgDurationMs)}</Table.Td>
                    <Table.Td ta="right">{formatDuration(item.maxDurationMs)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        )
      }
    </QueryBody>
  );
}
