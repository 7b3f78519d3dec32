import { Alert, Anchor, Button, Code, Group, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import { useState } from "react";
import type { WorkflowDetail } from "../../api/answers.ts";
import { CheckStatus } from "../../components/definition-editor/check-status.tsx";
import { saveDefinition } from "../../components/definition-editor/definition-api.ts";
import { LazyDefinitionEditor } from "../../components/definition-editor/lazy-views.tsx";
import type { EditorIssue } from "../../components/definition-editor/editor-issue.ts";
import { UnsavedChangesGuard } from "../../components/definition-editor/unsaved-changes-guard.tsx";
import { useLiveCheck } from "../../components/definition-editor/use-live-check.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { existingWorkflowQuery } from "./existing-workflow.ts";
import { STARTER_DEFINITION } from "./starter-definition.ts";

const appRoute = getRouteApi("/_app");

/** A new workflow written in the browser: a commented starter, checked as it is typed. */
export function NewWorkflowPage() {
  const { user } = appRoute.useRouteContext();
  return (
    <Stack>
      <Title order={1} size="h2">
        New workflow
      </Title>
      {user.role === "viewer" ? <ViewerCannotCreate /> : <NewWorkflowEditor />}
    </Stack>
  );
}

function ViewerCannotCreate() {
  return (
    <Alert color="gray" title="Viewers cannot create workflows">
      Your role is viewer: you can read workflows and their runs. An admin can make you an editor.{" "}
      <Anchor component={Link} to="/workflows">
        Back to the workflows
      </Anchor>
    </Alert>
  );
}

function NewWorkflowEditor() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const [text, setText] = useState(STARTER_DEFINITION);
  const [refused, setRefused] = useState<{ text: string; issues: EditorIssue[] } | null>(null);
  const live = useLiveCheck(text, true);
  const name = live.check?.valid ? live.check.name : undefined;
  const existing = useQuery({ ...existingWorkflowQuery(name ?? ""), enabled: name !== undefined });

  const create = useMutation({
    mutationFn: () => saveDefinition(text),
    onSuccess: async (outcome) => {
      if (!outcome.saved) {
        setRefused({ text, issues: outcome.issues });
        return;
      }
      await client.invalidateQueries({ queryKey: ["workflows"] });
      await navigate({
        to: "/workflows/$workflowId",
        params: { workflowId: outcome.answer.workflow.name },
        ignoreBlocker: true,
      });
    },
  });

  const issues = refused?.text === text ? refused.issues : (live.check?.issues ?? []);
  const dirty = text !== STARTER_DEFINITION;
  return (
    <>
      <UnsavedChangesGuard when={dirty && !create.isPending && !create.isSuccess} />
      <Text>
        Write the workflow in YAML (or JSON). It is checked as you type; problems show at their
        lines. The format is described in <Code>docs/workflows.md</Code> in Weft's repository, and
        every API call in the <Anchor href="/api/docs">API documentation</Anchor>.
      </Text>
      <Group justify="space-between">
        <CheckStatus
          check={refused?.text === text ? { valid: false, issues } : live.check}
          checking={live.checking}
          error={live.error}
        />
        <Button
          onClick={() => create.mutate()}
          loading={create.isPending}
          disabled={existing.data?.archived === true}
        >
          {createLabel(name, existing.data)}
        </Button>
      </Group>
      {existing.data ? (
        <Text size="sm" c="dimmed" data-testid="name-taken">
          A workflow named <Code>{existing.data.name}</Code> exists
          {existing.data.archived
            ? " and is archived: bring it back on its page before saving a new version."
            : `: saving makes version ${existing.data.version + 1} of it.`}{" "}
          <Anchor
            renderRoot={(props) => (
              <Link
                to="/workflows/$workflowId"
                params={{ workflowId: existing.data!.name }}
                {...props}
              />
            )}
          >
            Open it
          </Anchor>
        </Text>
      ) : null}
      {create.isError ? (
        <ErrorAlert error={create.error} title="The workflow could not be saved" />
      ) : null}
      <LazyDefinitionEditor
        value={text}
        onChange={setText}
        issues={issues}
        label="Definition of the new workflow"
      />
    </>
  );
}

/** "Create workflow", or what saving will really do when the name is taken. */
function createLabel(name: string | undefined, existing: WorkflowDetail | null | undefined) {
  if (name === undefined || !existing) return "Create workflow";
  return `Save as version ${existing.version + 1} of ${existing.name}`;
}
