import { Button, Group, Modal, Stack, Text, Textarea } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api, requireOk } from "../../api/client.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { parseRunInput } from "./run-input.ts";

export interface RunDialogProps {
  workflowId: string;
  workflowName: string;
  opened: boolean;
  onClose(): void;
  /** Called with the new run's id once the server has queued it. */
  onStarted(runId: string): void;
}

/** Asks for a run's input as JSON and starts the run; text that is not JSON is never sent. */
export function RunDialog({
  workflowId,
  workflowName,
  opened,
  onClose,
  onStarted,
}: RunDialogProps) {
  const [text, setText] = useState("{}");
  const [parseError, setParseError] = useState<string | undefined>();
  const start = useMutation({
    mutationFn: (input: unknown) =>
      requireOk<{ runId: string }>(
        api.POST("/api/v1/workflows/{id}/runs", {
          params: { path: { id: workflowId } },
          body: { input },
        }),
      ),
    onSuccess: (answer) => onStarted(answer.runId),
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = parseRunInput(text);
    setParseError(parsed.ok ? undefined : parsed.message);
    if (parsed.ok) start.mutate(parsed.input);
  };
  const close = () => {
    start.reset();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title={`Run ${workflowName}`} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            The run&apos;s steps see this value as <code>trigger.input</code>.
          </Text>
          <Textarea
            label="Input (JSON)"
            description="Any JSON value; leave it empty for no input."
            rows={6}
            resize="vertical"
            styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
            spellCheck={false}
            data-autofocus
            value={text}
            error={parseError}
            onChange={(event) => {
              setText(event.currentTarget.value);
              setParseError(undefined);
            }}
          />
          {start.isError ? (
            <ErrorAlert error={start.error} title="The run could not be started" />
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={start.isPending}>
              Start run
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
