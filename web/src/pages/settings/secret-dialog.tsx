import { Button, Group, Modal, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import type { SecretInfo } from "../../api/answers.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { SECRET_NAME_RULE, type SecretWrite, secretFaults } from "./secrets-api.ts";

export interface SecretFormProps {
  /** The secret whose value is replaced; absent, a new one is added. */
  replacing?: SecretInfo | undefined;
  pending: boolean;
  error: unknown;
  /** Resolves once saved: the form then forgets the value it held. */
  onSubmit(secret: SecretWrite): Promise<unknown>;
  onCancel(): void;
}

/**
 * A secret's name, value and description. The value field is uncontrolled, so the value lives
 * only in the input (never in React state or an attribute) and is cleared once it is saved.
 */
export function SecretForm({ replacing, pending, error, onSubmit, onCancel }: SecretFormProps) {
  const [faults, setFaults] = useState<ReturnType<typeof secretFaults>>({});

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const secret: SecretWrite = {
      name: replacing?.name ?? String(data.get("name") ?? "").trim(),
      value: String(data.get("value") ?? ""),
      description: String(data.get("description") ?? ""),
    };
    const found = secretFaults(secret);
    setFaults(found);
    if (Object.keys(found).length > 0) return;
    try {
      await onSubmit(secret);
      form.reset();
    } catch {
      // The error is shown from the mutation; the value stays for another try.
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {error ? <ErrorAlert error={error} title="The secret could not be saved" /> : null}
        {replacing ? (
          <Text>
            New value for{" "}
            <Text span ff="monospace" fw={700}>
              {replacing.name}
            </Text>
            . Runs that start from now on use it.
          </Text>
        ) : (
          <TextInput
            name="name"
            label="Name"
            description={SECRET_NAME_RULE}
            autoComplete="off"
            required
            error={faults.name}
            data-autofocus
          />
        )}
        <PasswordInput
          name="value"
          label="Value"
          description="Write-only: once saved, no one can read it back here or through the API."
          autoComplete="new-password"
          required
          error={faults.value}
          data-autofocus={replacing ? true : undefined}
        />
        <TextInput
          name="description"
          label="Description"
          description="Optional: what it is for, never the value itself."
          defaultValue={replacing?.description ?? ""}
          autoComplete="off"
          error={faults.description}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={pending}>
            {replacing ? "Replace value" : "Add secret"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The dialog around SecretForm, for adding a secret or replacing one's value. */
export function SecretDialog({
  opened,
  onClose,
  ...form
}: Omit<SecretFormProps, "onCancel"> & { opened: boolean; onClose(): void }) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={form.replacing ? `Replace ${form.replacing.name}` : "Add a secret"}
      centered
    >
      <SecretForm {...form} onCancel={onClose} />
    </Modal>
  );
}
