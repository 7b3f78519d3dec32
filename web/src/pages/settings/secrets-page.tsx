import { Button, Center, Code, Group, Loader, Paper, Stack, Table, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { SecretInfo } from "../../api/answers.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { ConfirmDialog } from "./confirm-dialog.tsx";
import { SecretDialog } from "./secret-dialog.tsx";
import { secretsQuery, useDeleteSecret, useSaveSecret } from "./secrets-api.ts";
import { When } from "./when.tsx";

/** A dialog's subject: kept while it closes, so that its text does not change as it fades. */
interface Dialog {
  kind: "add" | "replace" | "delete";
  secret?: SecretInfo;
}

/** Secrets by name, for admins: values are written here and never read back. */
export function SecretsPage() {
  const secrets = useQuery(secretsQuery);
  const save = useSaveSecret();
  const remove = useDeleteSecret();
  const [dialog, setDialog] = useState<Dialog>({ kind: "add" });
  const [open, setOpen] = useState(false);
  const show = (next: Dialog) => {
    save.reset();
    remove.reset();
    setDialog(next);
    setOpen(true);
  };

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <HowToUse />
        <Button onClick={() => show({ kind: "add" })}>Add secret</Button>
      </Group>
      {secrets.isPending ? (
        <Center p="xl">
          <Loader aria-label="Loading secrets" />
        </Center>
      ) : secrets.isError ? (
        <ErrorAlert error={secrets.error} title="The secrets could not be loaded" />
      ) : secrets.data.items.length === 0 ? (
        <Paper withBorder p="xl" radius="md">
          <Text>
            No secrets yet. Add one for an API key, a Slack webhook URL or a webhook's signing
            secret, then use it in a workflow by its name.
          </Text>
        </Paper>
      ) : (
        <SecretTable
          secrets={secrets.data.items}
          onReplace={(secret) => show({ kind: "replace", secret })}
          onDelete={(secret) => show({ kind: "delete", secret })}
        />
      )}
      <SecretDialog
        opened={open && dialog.kind !== "delete"}
        onClose={() => setOpen(false)}
        replacing={dialog.kind === "replace" ? dialog.secret : undefined}
        pending={save.isPending}
        error={save.error}
        onSubmit={async (secret) => {
          await save.mutateAsync(secret);
          setOpen(false);
        }}
      />
      <ConfirmDialog
        opened={open && dialog.kind === "delete"}
        title={`Delete ${dialog.secret?.name ?? ""}?`}
        confirmLabel="Delete secret"
        danger
        pending={remove.isPending}
        error={remove.error}
        onClose={() => setOpen(false)}
        onConfirm={() => {
          if (dialog.secret) remove.mutate(dialog.secret.name, { onSuccess: () => setOpen(false) });
        }}
      >
        {`Steps that use secrets.${dialog.secret?.name ?? ""} will fail with missing-secret until it is added again. This cannot be undone.`}
      </ConfirmDialog>
    </Stack>
  );
}

/** How a workflow refers to a secret (docs/secrets.md). */
function HowToUse() {
  return (
    <Text size="sm" c="dimmed" maw={720}>
      Workflows use a secret as <Code>{"{{ secrets.NAME }}"}</Code> in a step's <Code>with</Code>{" "}
      fields, in <Code>if</Code>, and in a webhook trigger's <Code>verify.secret</Code>. A change
      made here is used at once. Values never appear in answers, logs or run outputs, where they
      read <Code>[redacted]</Code>.
    </Text>
  );
}

function SecretTable({
  secrets,
  onReplace,
  onDelete,
}: {
  secrets: SecretInfo[];
  onReplace(secret: SecretInfo): void;
  onDelete(secret: SecretInfo): void;
}) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped highlightOnHover aria-label="Secrets">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Description</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Updated</Table.Th>
            <Table.Th>By</Table.Th>
            <Table.Th>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {secrets.map((secret) => (
            <Table.Tr key={secret.name} data-secret-name={secret.name}>
              <Table.Td>
                <Text ff="monospace" size="sm">
                  {secret.name}
                </Text>
              </Table.Td>
              <Table.Td>{secret.description || "—"}</Table.Td>
              <Table.Td>
                <When iso={secret.createdAt} />
              </Table.Td>
              <Table.Td>
                <When iso={secret.updatedAt} />
              </Table.Td>
              <Table.Td>{secret.updatedBy ?? "—"}</Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Button
                    size="xs"
                    variant="default"
                    aria-label={`Replace the value of ${secret.name}`}
                    onClick={() => onReplace(secret)}
                  >
                    Replace value
                  </Button>
                  <Button
                    size="xs"
                    variant="default"
                    color="red"
                    aria-label={`Delete ${secret.name}`}
                    onClick={() => onDelete(secret)}
                  >
                    Delete
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
