import { Button, Group, Stack } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { useState } from "react";
import type { SavedWorkflowAnswer, WorkflowDetail } from "../../api/answers.ts";
import { CheckStatus } from "../../components/definition-editor/check-status.tsx";
import { saveDefinition } from "../../components/definition-editor/definition-api.ts";
import { LazyDefinitionEditor } from "../../components/definition-editor/lazy-views.tsx";
import type { EditorIssue } from "../../components/definition-editor/editor-issue.ts";
import { UnsavedChangesGuard } from "../../components/definition-editor/unsaved-changes-guard.tsx";
import { useLiveCheck } from "../../components/definition-editor/use-live-check.ts";
import { ApiError } from "../../api/api-error.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { refreshAfterSave } from "./version-queries.ts";

const route = getRouteApi("/_app/workflows/$workflowId");

/** What a save did, for the note the definition tab shows afterwards. */
export interface SavedNote {
  change: SavedWorkflowAnswer["change"];
  version: number;
}

export interface DefinitionEditProps {
  workflow: WorkflowDetail;
  initial: string;
  /** Called after a save (with what it did) or on Cancel (with null). */
  onDone(saved: SavedNote | null): void;
}

/** The definition being edited: checked as it is typed, saved as a new version with PUT. */
export function DefinitionEdit({ workflow, initial, onDone }: DefinitionEditProps) {
  const client = useQueryClient();
  const navigate = route.useNavigate();
  const [text, setText] = useState(initial);
  // The version the edit started from: saving over a newer one is refused, not merged.
  const [baseVersion] = useState(workflow.version);
  // The issues of a refused save stand until the text changes; then the live check takes over.
  const [refused, setRefused] = useState<{ text: string; issues: EditorIssue[] } | null>(null);
  const live = useLiveCheck(text, true);
  const dirty = text !== initial;

  const save = useMutation({
    mutationFn: () => saveDefinition(text, { workflowId: workflow.id, baseVersion }),
    // Saved elsewhere meanwhile: what the page knows of the workflow is stale, so it is read
    // again, and Cancel then Edit starts from the version that won.
    onError: (error) => {
      if (error instanceof ApiError && error.status === 412)
        void refreshAfterSave(client, workflow.id);
    },
    onSuccess: async (outcome) => {
      if (!outcome.saved) {
        setRefused({ text, issues: outcome.issues });
        return;
      }
      const saved = outcome.answer.workflow;
      await refreshAfterSave(client, workflow.id);
      onDone({ change: outcome.answer.change, version: saved.version });
      // A new name moves the workflow: its page follows it.
      if (saved.name !== workflow.name) {
        await navigate({
          to: "/workflows/$workflowId",
          params: { workflowId: saved.name },
          search: { tab: "definition" },
          ignoreBlocker: true,
        });
      }
    },
  });

  const issues = refused?.text === text ? refused.issues : (live.check?.issues ?? []);
  return (
    <Stack>
      <UnsavedChangesGuard when={dirty && !save.isPending && !save.isSuccess} />
      <Group justify="space-between">
        <CheckStatus
          check={refused?.text === text ? { valid: false, issues } : live.check}
          checking={live.checking}
          error={live.error}
        />
        <Group gap="xs">
          <Button variant="default" onClick={() => onDone(null)} disabled={save.isPending}>
            Cancel
          </Button>
          <Button onClick={() => save.mutate()} loading={save.isPending}>
            Save
          </Button>
        </Group>
      </Group>
      {save.isError ? (
        <ErrorAlert error={save.error} title="The definition could not be saved">
          {save.error instanceof ApiError && save.error.status === 412 ? (
            <Group mt="xs">
              <Button size="xs" variant="default" onClick={() => onDone(null)}>
                Discard my edit and show version {workflow.version}
              </Button>
            </Group>
          ) : null}
        </ErrorAlert>
      ) : null}
      <LazyDefinitionEditor
        value={text}
        onChange={setText}
        issues={issues}
        label={`Definition of ${workflow.name}, editing`}
      />
    </Stack>
  );
}
