import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useMutation } from "@tanstack/react-query";
import type { TriggerView, WorkflowDetail } from "../../api/answers.ts";
import { api, requireOk } from "../../api/client.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";

type WebhookView = Extract<TriggerView, { type: "webhook" }>;

export interface WebhookTriggerProps {
  workflow: WorkflowDetail;
  trigger: WebhookView;
  canEdit: boolean;
  /** Called once the trigger has a new key, to read the workflow (and its URL) again. */
  onRotated(): void;
}

/** A webhook trigger: its URL to copy (editors only: the URL is its secret) and a new key. */
export function WebhookTrigger({ workflow, trigger, canEdit, onRotated }: WebhookTriggerProps) {
  return (
    <Stack gap="xs">
      <Text size="sm">
        Signature check:{" "}
        {trigger.verify === "token" ? "none, the key in the URL is the secret" : trigger.verify}
      </Text>
      {trigger.url ? (
        <>
          <UrlWithCopy url={trigger.url} label={`Webhook URL of ${trigger.id}`} />
          {canEdit ? (
            <RotateKey workflowId={workflow.id} triggerId={trigger.id} onRotated={onRotated} />
          ) : null}
        </>
      ) : (
        <Text size="sm" c="dimmed">
          Only editors and admins see this webhook&apos;s URL, since anyone who has it can start
          runs.
        </Text>
      )}
    </Stack>
  );
}

function UrlWithCopy({ url, label }: { url: string; label: string }) {
  return (
    <Group gap="xs" wrap="nowrap" align="center">
      <Code
        aria-label={label}
        data-testid="webhook-url"
        style={{ overflowWrap: "anywhere", minWidth: 0, flex: 1 }}
      >
        {url}
      </Code>
      <CopyButton value={url}>
        {({ copied, copy }) => (
          <Button
            size="xs"
            variant={copied ? "filled" : "default"}
            color={copied ? "teal" : undefined}
            onClick={copy}
            aria-label={copied ? "Copied" : "Copy URL"}
          >
            {copied ? "Copied" : "Copy URL"}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}

/** Gives the trigger a new key after a warning: the old URL stops working at once. */
function RotateKey({
  workflowId,
  triggerId,
  onRotated,
}: {
  workflowId: string;
  triggerId: string;
  onRotated(): void;
}) {
  const [confirming, confirm] = useDisclosure();
  const rotate = useMutation({
    mutationFn: () =>
      requireOk<{ url: string }>(
        api.POST("/api/v1/workflows/{id}/triggers/{triggerId}/rotate", {
          params: { path: { id: workflowId, triggerId } },
        }),
      ),
    onSuccess: () => {
      confirm.close();
      onRotated();
    },
  });

  return (
    <>
      <Group>
        <Button size="xs" variant="default" onClick={confirm.open}>
          New key
        </Button>
      </Group>
      {rotate.data ? (
        <Alert color="teal" title="The webhook has a new URL">
          <Text size="sm">
            The old URL no longer starts runs. Give senders the new one:{" "}
            <Code style={{ overflowWrap: "anywhere" }}>{rotate.data.url}</Code>
          </Text>
        </Alert>
      ) : null}
      <Modal opened={confirming} onClose={confirm.close} title={`New key for ${triggerId}?`}>
        <Stack>
          <Text size="sm">
            The webhook gets a new URL, and the current one stops working at once: anything still
            sending to it is refused until it uses the new URL.
          </Text>
          {rotate.isError ? (
            <ErrorAlert error={rotate.error} title="The key could not be changed" />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={confirm.close}>
              Keep the current URL
            </Button>
            <Button color="red" loading={rotate.isPending} onClick={() => rotate.mutate()}>
              Make a new key
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
