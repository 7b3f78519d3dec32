import { Anchor, Code, ScrollArea, Table, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { formatRelative } from "../format.ts";
import { upcomingQuery } from "./stats-queries.ts";
import { QueryBody } from "./widget-states.tsx";
import { WorkflowLink } from "./workflow-link.tsx";

/** The schedules that fire next: which workflow, which trigger, and when. */
export function UpcomingSchedulesWidget({ title, limit }: { title: string; limit: number }) {
  const query = useQuery(upcomingQuery(limit));
  return (
    <QueryBody query={query} title={title}>
      {(answer) =>
        answer.items.length === 0 ? (
          <NoSchedules />
        ) : (
          <ScrollArea h="100%">
            <Table aria-label={title} verticalSpacing={6}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Workflow</Table.Th>
                  <Table.Th>Trigger</Table.Th>
                  <Table.Th>Next run</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {answer.items.map((item) => (
                  <Table.Tr
                    key={`${item.workflowId}/${item.triggerId}`}
                    data-trigger-id={item.triggerId}
                  >
                    <Table.Td>
                      <WorkflowLink id={item.workflowId} name={item.workflowName} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" span>
                        {item.triggerId}{" "}
                      </Text>
                      <Code>{item.cron}</Code>{" "}
                      <Text size="xs" c="dimmed" span>
                        {item.timezone}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" component="time" dateTime={item.nextFireAt}>
                        {formatRelative(item.nextFireAt)}
                      </Text>{" "}
                      <Text size="xs" c="dimmed" span>
                        {new Date(item.nextFireAt).toLocaleString()}
                      </Text>
                    </Table.Td>
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

function NoSchedules() {
  return (
    <Text c="dimmed" size="sm" ta="center" p="sm">
      No schedules yet. Add a <Code>schedule</Code> trigger with a cron expression to a workflow and
      its next run shows up here (see the{" "}
      <Anchor renderRoot={(props) => <Link to="/workflows" {...props} />}>workflows</Anchor>
      ).
    </Text>
  );
}
