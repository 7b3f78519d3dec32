import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, useNavigate } from "@tanstack/react-router";
import type { RunDetail } from "../../api/answers.ts";
import { api, requireOk } from "../../api/client.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { runQuery } from "../../live/index.ts";
import { isOpenRun, isRetryableRun } from "./run-trigger.ts";

const appRoute = getRouteApi("/_app");

/** What POST /api/v1/runs/:id/cancel and /retry answer. */
interface RunActionAnswer {
  runId: string;
  status: string;
}

/**
 * Cancel (after a confirmation) while the run is open, retry once it failed or was cancelled;
 * only for editors and admins, as the server also insists. A retry that answers with another
 * run's id opens that run.
 */
export function RunActions({ run }: { run: RunDetail }) {
  const { user } = appRoute.useRouteContext();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [confirming, confirm] = useDisclosure(false);
  const path = { params: { path: { id: run.id } } };
  const reread = () => client.invalidateQueries({ queryKey: runQuery(run.id).queryKey });

  const cancel = useMutation({
    mutationFn: () => requireOk<RunActionAnswer>(api.POST("/api/v1/runs/{id}/cancel", path)),
    onSuccess: () => {
      confirm.close();
      return reread();
    },
  });
  const retry = useMutation({
    mutationFn: () => requireOk<RunActionAnswer>(api.POST("/api/v1/runs/{id}/retry", path)),
    onSuccess: (answer) => {
      if (answer.runId !== run.id)
        return navigate({ to: "/runs/$runId", params: { runId: answer.runId } });
      return reread();
    },
  });

  if (user.role === "viewer") return null;
  return (
    <Stack gap="xs" align="flex-end">
      <Group gap="xs">
        {isOpenRun(run) ? (
          <Button color="red" variant="light" onClick={confirm.open}>
            Cancel run
          </Button>
        ) : null}
        {isRetryableRun(run) ? (
          <Button loading={retry.isPending} onClick={() => retry.mutate()}>
            Retry
          </Button>
        ) : null}
      </Group>
      {retry.isError ? (
        <ErrorAlert error={retry.error} title="The run could not be retried" />
      ) : null}
      <Modal opened={confirming} onClose={confirm.close} title="Cancel this run?" centered>
        <Stack>
          <Text size="sm">
            Steps still open are cancelled and a running HTTP request is aborted. Succeeded steps
            keep their output, and Retry can start the run again from where it stopped.
          </Text>
          {cancel.isError ? (
            <ErrorAlert error={cancel.error} title="The run could not be cancelled" />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={confirm.close}>
              Keep running
            </Button>
            <Button color="red" loading={cancel.isPending} onClick={() => cancel.mutate()}>
              Cancel run
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
