import { Alert, Button, Center, Group, Loader, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { WorkflowDetail } from "../../api/answers.ts";
import { LazyDefinitionEditor } from "../../components/definition-editor/lazy-views.tsx";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { DefinitionEdit, type SavedNote } from "./definition-edit.tsx";
import { versionQuery, versionText } from "./version-queries.ts";

export interface DefinitionTabProps {
  workflow: WorkflowDetail;
  canEdit: boolean;
}

/**
 * The current version's definition as it was written, read only; editors can edit it, see
 * its problems at their lines as they type, and save it as the next version.
 */
export function DefinitionTab({ workflow, canEdit }: DefinitionTabProps) {
  const current = useQuery(versionQuery(workflow.id, workflow.version));
  const [draft, setDraft] = useState<string | null>(null);
  const [note, setNote] = useState<SavedNote | null>(null);

  // An edit in progress stays mounted, whatever the page learns meanwhile (a newer version,
  // read after a refused save): the text being edited is never replaced under the editor.
  if (draft !== null) {
    return (
      <DefinitionEdit
        workflow={workflow}
        initial={draft}
        onDone={(saved) => {
          setDraft(null);
          setNote(saved);
        }}
      />
    );
  }

  if (current.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label="Loading the definition" />
      </Center>
    );
  }
  if (current.isError) {
    return <ErrorAlert error={current.error} title="The definition could not be loaded" />;
  }

  const source = versionText(current.data);

  const editable = canEdit && !workflow.archived;
  return (
    <Stack>
      {note ? (
        <Alert
          color={note.change === "unchanged" ? "gray" : "green"}
          withCloseButton
          closeButtonLabel="Dismiss"
          onClose={() => setNote(null)}
          data-testid="definition-saved"
        >
          {note.change === "unchanged"
            ? `Nothing changed: still version ${note.version}`
            : `Saved as version ${note.version}`}
        </Alert>
      ) : null}
      <Group justify="space-between">
        <Text size="sm">Version {workflow.version}, the current one</Text>
        {editable ? (
          <Button
            onClick={() => {
              setNote(null);
              setDraft(source);
            }}
          >
            Edit
          </Button>
        ) : canEdit ? (
          <Text size="sm" c="dimmed">
            Archived: bring it back to edit it.
          </Text>
        ) : null}
      </Group>
      <LazyDefinitionEditor value={source} readOnly label={`Definition of ${workflow.name}`} />
    </Stack>
  );
}
