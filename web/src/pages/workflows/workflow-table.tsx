import { Anchor, Badge, Group, Table } from "@mantine/core";
import { Link } from "@tanstack/react-router";
import type { WorkflowSummary } from "../../api/answers.ts";

/** The workflows of one or more pages; a name opens its page, a tag filters by it. */
export function WorkflowTable({
  workflows,
  onTag,
}: {
  workflows: WorkflowSummary[];
  onTag(tag: string): void;
}) {
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover aria-label="Workflows">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Description</Table.Th>
            <Table.Th>Tags</Table.Th>
            <Table.Th>Version</Table.Th>
            <Table.Th>Updated</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {workflows.map((workflow) => (
            <Table.Tr key={workflow.id}>
              <Table.Td>
                <Anchor
                  fw={600}
                  renderRoot={(props) => (
                    <Link
                      to="/workflows/$workflowId"
                      params={{ workflowId: workflow.name }}
                      {...props}
                    />
                  )}
                >
                  {workflow.name}
                </Anchor>
              </Table.Td>
              <Table.Td>{workflow.description}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {workflow.tags.map((tag) => (
                    <Badge
                      key={tag}
                      variant="light"
                      component="button"
                      type="button"
                      aria-label={`Show workflows tagged ${tag}`}
                      onClick={() => onTag(tag)}
                    >
                      {tag}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>{workflow.version}</Table.Td>
              <Table.Td>
                {workflow.updatedAt ? (
                  <time dateTime={workflow.updatedAt}>
                    {new Date(workflow.updatedAt).toLocaleString()}
                  </time>
                ) : null}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
