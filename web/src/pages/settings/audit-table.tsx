import { Badge, Group, Table, Text } from "@mantine/core";
import type { AuditEntry } from "../../api/answers.ts";
import { detailsSummary } from "./audit-search.ts";
import { When } from "./when.tsx";

/** Audit entries, newest first: time, actor, action (refusals marked), target, details, IP. */
export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover aria-label="Audit log">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Actor</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Target</Table.Th>
            <Table.Th>Details</Table.Th>
            <Table.Th>IP</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map((entry) => (
            <Table.Tr key={entry.id} data-action={entry.action}>
              <Table.Td>
                <When iso={entry.at} />
              </Table.Td>
              <Table.Td>{entry.actorEmail ?? "—"}</Table.Td>
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  <Text ff="monospace" size="sm">
                    {entry.action}
                  </Text>
                  {entry.outcome === "failure" ? (
                    <Badge color="red" variant="light" size="sm">
                      refused
                    </Badge>
                  ) : null}
                </Group>
              </Table.Td>
              <Table.Td>
                {entry.targetType ? (
                  <Text size="sm">
                    <Text span c="dimmed" size="sm">
                      {entry.targetType}
                    </Text>{" "}
                    {entry.targetId}
                  </Text>
                ) : (
                  "—"
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm" lineClamp={2} title={detailsSummary(entry.details)}>
                  {detailsSummary(entry.details) || "—"}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {entry.ip ?? "—"}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
