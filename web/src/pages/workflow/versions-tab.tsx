import { Button, Center, Loader, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { VersionSummary, WorkflowDetail } from "../../api/answers.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { VersionCompare } from "./version-compare.tsx";
import { VersionSourceModal } from "./version-source-modal.tsx";
import { versionListQuery } from "./version-queries.ts";

export interface VersionsTabProps {
  workflow: WorkflowDetail;
  canEdit: boolean;
}

/** Every saved version of the workflow, newest first, and the diff between any two. */
export function VersionsTab({ workflow }: VersionsTabProps) {
  const list = useQuery(versionListQuery(workflow.id));
  const [viewing, setViewing] = useState<number | null>(null);

  if (list.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label="Loading the versions" />
      </Center>
    );
  }
  if (list.isError) {
    return <ErrorAlert error={list.error} title="The versions could not be loaded" />;
  }

  const versions = list.data.items;
  return (
    <Stack>
      <VersionTable versions={versions} current={workflow.version} onView={setViewing} />
      {versions.length < 2 ? (
        <Text c="dimmed" data-testid="single-version">
          This is the only version so far. Saving a changed definition makes version{" "}
          {workflow.version + 1}, and what changed shows here.
        </Text>
      ) : (
        <Stack gap="xs">
          <Title order={2} size="h4">
            Compare versions
          </Title>
          <VersionCompare workflowId={workflow.id} versions={versions.map((v) => v.version)} />
        </Stack>
      )}
      <VersionSourceModal
        workflowId={workflow.id}
        workflowName={workflow.name}
        version={viewing}
        onClose={() => setViewing(null)}
      />
    </Stack>
  );
}

function VersionTable({
  versions,
  current,
  onView,
}: {
  versions: VersionSummary[];
  current: number;
  onView(version: number): void;
}) {
  return (
    <Table.ScrollContainer minWidth={420}>
      <Table striped aria-label="Versions">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Version</Table.Th>
            <Table.Th>Saved</Table.Th>
            <Table.Th>By</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {versions.map((v) => (
            <Table.Tr key={v.version}>
              <Table.Td>
                {v.version}
                {v.version === current ? " (current)" : ""}
              </Table.Td>
              <Table.Td>{new Date(v.createdAt).toLocaleString()}</Table.Td>
              <Table.Td>{v.createdByEmail ?? "—"}</Table.Td>
              <Table.Td>
                <Button
                  size="compact-sm"
                  variant="default"
                  onClick={() => onView(v.version)}
                  aria-label={`View version ${v.version}`}
                >
                  View
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
