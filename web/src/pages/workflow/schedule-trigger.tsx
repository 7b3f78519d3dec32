import { Badge, Button, Code, Group, List, Stack, Text } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import type { TriggerView, WorkflowDetail } from "../../api/answers.ts";
import { api, requireOk } from "../../api/client.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { instantText, zonedInstantText } from "./time-text.ts";

type ScheduleView = Extract<TriggerView, { type: "schedule" }>;

export interface ScheduleTriggerProps {
  workflow: WorkflowDetail;
  trigger: ScheduleView;
  canEdit: boolean;
  /** Called once paused or resumed, to read the workflow (and its fire times) again. */
  onChanged(): void;
}

/** A schedule trigger: its cron and zone, the next fire times, and pause or resume. */
export function ScheduleTrigger({ workflow, trigger, canEdit, onChanged }: ScheduleTriggerProps) {
  return (
    <Stack gap="xs">
      <Group gap="xs">
        <Code>{trigger.cron}</Code>
        <Text size="sm">in {trigger.timezone}</Text>
        <Text size="sm" c="dimmed">
          missed slots: {CATCH_UP[trigger.catchUp]}
        </Text>
        {trigger.paused ? <Badge color="yellow">paused</Badge> : null}
      </Group>
      <FireTimes trigger={trigger} archived={workflow.archived} />
      {canEdit ? (
        <PauseResume workflowId={workflow.id} trigger={trigger} onChanged={onChanged} />
      ) : null}
    </Stack>
  );
}

const CATCH_UP: Record<ScheduleView["catchUp"], string> = {
  none: "skipped",
  latest: "the latest one fires",
  all: "all fire",
};

function FireTimes({ trigger, archived }: { trigger: ScheduleView; archived: boolean }) {
  if (archived) {
    return <Text size="sm">The workflow is archived: this schedule does not fire.</Text>;
  }
  if (trigger.paused) {
    return <Text size="sm">Paused: it does not fire until resumed.</Text>;
  }
  if (trigger.upcoming.length === 0) {
    return <Text size="sm">It fires no more: no future date matches its cron.</Text>;
  }
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        Next fire times
      </Text>
      <List size="sm" aria-label={`Next fire times of ${trigger.id}`} data-testid="fire-times">
        {trigger.upcoming.map((at) => (
          <List.Item key={at}>
            <time dateTime={at} title={instantText(at)}>
              {zonedInstantText(at, trigger.timezone)}
            </time>
          </List.Item>
        ))}
      </List>
    </Stack>
  );
}

function PauseResume({
  workflowId,
  trigger,
  onChanged,
}: {
  workflowId: string;
  trigger: ScheduleView;
  onChanged(): void;
}) {
  const params = { path: { workflowId, triggerId: trigger.id } };
  const change = useMutation({
    mutationFn: () =>
      requireOk<{ paused: boolean }>(
        trigger.paused
          ? api.POST("/api/v1/schedules/{workflowId}/{triggerId}/resume", { params })
          : api.POST("/api/v1/schedules/{workflowId}/{triggerId}/pause", { params }),
      ),
    onSuccess: onChanged,
  });

  return (
    <Stack gap="xs" align="flex-start">
      <Button
        size="xs"
        variant="default"
        loading={change.isPending}
        onClick={() => change.mutate()}
        aria-label={`${trigger.paused ? "Resume" : "Pause"} schedule ${trigger.id}`}
      >
        {trigger.paused ? "Resume" : "Pause"}
      </Button>
      {change.isError ? (
        <ErrorAlert error={change.error} title="The schedule could not be changed" />
      ) : null}
    </Stack>
  );
}
