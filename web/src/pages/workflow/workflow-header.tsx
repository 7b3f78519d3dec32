import { Anchor, Badge, Button, Group, Modal, Stack, Text, Title, Tooltip } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useMutation } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import type { WorkflowDetail } from "../../api/answers.ts";
import { api, requireOk } from "../../api/client.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { RunDialog } from "./run-dialog.tsx";

export interface WorkflowHeaderProps {
  workflow: WorkflowDetail;
  canEdit: boolean;
  /** The workflow as the server answered a change to it. */
  onChanged(workflow: WorkflowDetail): void;
}

/** The workflow's name, description, tags and version; Run and Archive for editors. */
export function WorkflowHeader({ workflow, canEdit, onChanged }: WorkflowHeaderProps) {
  return (
    <Stack gap="xs">
      <Group justify="space-between" align="flex-start" gap="sm">
        <Stack gap={4} miw={0}>
          <Group gap="xs">
            <Title order={1} size="h2" ff="monospace" style={{ overflowWrap: "anywhere" }}>
              {workflow.name}
            </Title>
            <Badge variant="outline" tt="none" title="Current version">
              v{workflow.version}
            </Badge>
            {workflow.archived ? <Badge color="gray">archived</Badge> : null}
          </Group>
          {workflow.description ? (
            // A description is the author's text: a long word wraps instead of widening the page.
            <Text c="dimmed" style={{ overflowWrap: "anywhere" }}>
              {workflow.description}
            </Text>
          ) : null}
        </Stack>
        {canEdit ? <EditorActions workflow={workflow} onChanged={onChanged} /> : null}
      </Group>
      {workflow.tags.length > 0 ? (
        <Group gap={4} aria-label="Tags">
          {workflow.tags.map((tag) => (
            <Badge
              key={tag}
              variant="light"
              renderRoot={(props) => (
                <Link
                  to="/workflows"
                  search={{ tag }}
                  aria-label={`Show workflows tagged ${tag}`}
                  {...props}
                />
              )}
            >
              {tag}
            </Badge>
          ))}
        </Group>
      ) : null}
    </Stack>
  );
}

function EditorActions({
  workflow,
  onChanged,
}: {
  workflow: WorkflowDetail;
  onChanged(workflow: WorkflowDetail): void;
}) {
  const navigate = useNavigate();
  const [running, runDialog] = useDisclosure();

  return (
    <Group gap="xs">
      {workflow.archived ? (
        // Disabled by attribute only, so that it keeps the focus and the tooltip says why.
        <Tooltip label="An archived workflow starts no runs: unarchive it first">
          <Button data-disabled aria-disabled="true" onClick={(event) => event.preventDefault()}>
            Run
          </Button>
        </Tooltip>
      ) : (
        <Button onClick={runDialog.open}>Run</Button>
      )}
      <ArchiveButton workflow={workflow} onChanged={onChanged} />
      <RunDialog
        workflowId={workflow.id}
        workflowName={workflow.name}
        opened={running}
        onClose={runDialog.close}
        onStarted={(runId) => navigate({ to: "/runs/$runId", params: { runId } })}
      />
    </Group>
  );
}

/** Archive (after a confirmation, since it stops schedules and webhooks) or unarchive. */
function ArchiveButton({
  workflow,
  onChanged,
}: {
  workflow: WorkflowDetail;
  onChanged(workflow: WorkflowDetail): void;
}) {
  const [confirming, confirm] = useDisclosure();
  const action = workflow.archived ? "unarchive" : "archive";
  const change = useMutation({
    mutationFn: () =>
      requireOk<WorkflowDetail>(
        action === "archive"
          ? api.POST("/api/v1/workflows/{id}/archive", { params: { path: { id: workflow.id } } })
          : api.POST("/api/v1/workflows/{id}/unarchive", {
              params: { path: { id: workflow.id } },
            }),
      ),
    onSuccess: (answer) => {
      confirm.close();
      onChanged(answer);
    },
  });

  if (workflow.archived) {
    return (
      <>
        <Button variant="default" loading={change.isPending} onClick={() => change.mutate()}>
          Unarchive
        </Button>
        {change.isError ? <ErrorAlert error={change.error} title="Unarchive failed" /> : null}
      </>
    );
  }
  return (
    <>
      <Button variant="default" onClick={confirm.open}>
        Archive
      </Button>
      <Modal opened={confirming} onClose={confirm.close} title={`Archive ${workflow.name}?`}>
        <Stack>
          <Text size="sm">
            An archived workflow starts no new runs: its schedules stop firing and its webhooks
            refuse deliveries. Its runs and versions stay, and Unarchive brings it back.
          </Text>
          {change.isError ? <ErrorAlert error={change.error} title="Archive failed" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={confirm.close}>
              Keep it
            </Button>
            <Button color="red" loading={change.isPending} onClick={() => change.mutate()}>
              Archive
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/** Shown for an address that names no workflow, with the way back to the list. */
export function WorkflowNotFound({ idOrName }: { idOrName: string }) {
  return (
    <Stack gap="sm" align="flex-start">
      <Title order={1} size="h2">
        Workflow not found
      </Title>
      <Text>
        There is no workflow named <code>{idOrName}</code>. It may have been renamed, or the address
        is mistyped.
      </Text>
      <Anchor renderRoot={(props) => <Link to="/workflows" {...props} />}>
        Back to all workflows
      </Anchor>
    </Stack>
  );
}
