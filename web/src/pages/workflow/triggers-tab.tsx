import { Badge, Code, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import type { TriggerView, WorkflowDetail } from "../../api/answers.ts";
import { ScheduleTrigger } from "./schedule-trigger.tsx";
import { WebhookTrigger } from "./webhook-trigger.tsx";

export interface TriggersTabProps {
  workflow: WorkflowDetail;
  canEdit: boolean;
}

/** Every trigger of the current definition: what starts this workflow's runs, and how. */
export function TriggersTab({ workflow, canEdit }: TriggersTabProps) {
  const client = useQueryClient();
  // The page's query may be keyed by name or by id: read the workflow again under both.
  const refresh = () => void client.invalidateQueries({ queryKey: ["workflow"] });

  return (
    <Stack>
      {workflow.triggers.length === 0 ? (
        <Paper withBorder p="md" radius="md">
          <Text>
            This workflow has no triggers, so it runs only when started by hand
            {canEdit ? " with the Run button" : " by an editor"}. Add a webhook or a schedule to its
            definition to start it from elsewhere.
          </Text>
        </Paper>
      ) : null}
      {workflow.triggers.map((trigger) => (
        <Paper key={trigger.id} withBorder p="md" radius="md" data-trigger-id={trigger.id}>
          <Stack gap="xs">
            <Group gap="xs">
              <Title order={2} size="h4" ff="monospace">
                {trigger.id}
              </Title>
              <Badge variant="light">{trigger.type}</Badge>
            </Group>
            <TriggerBody
              workflow={workflow}
              trigger={trigger}
              canEdit={canEdit}
              onChanged={refresh}
            />
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}

function TriggerBody({
  workflow,
  trigger,
  canEdit,
  onChanged,
}: {
  workflow: WorkflowDetail;
  trigger: TriggerView;
  canEdit: boolean;
  onChanged(): void;
}) {
  switch (trigger.type) {
    case "webhook":
      return (
        <WebhookTrigger
          workflow={workflow}
          trigger={trigger}
          canEdit={canEdit}
          onRotated={onChanged}
        />
      );
    case "schedule":
      return (
        <ScheduleTrigger
          workflow={workflow}
          trigger={trigger}
          canEdit={canEdit}
          onChanged={onChanged}
        />
      );
    default:
      return (
        <Text size="sm">
          Runs when {canEdit ? "you press Run above" : "an editor presses Run on this page"}, or
          from the command line: <Code>weft run {workflow.name} --input JSON</Code>
        </Text>
      );
  }
}
