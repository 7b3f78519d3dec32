import { Button, Group, Modal, PasswordInput, Select, Stack, Text, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { newPasswordFaults, PASSWORD_MIN_LENGTH } from "../account/password-rules.ts";
import { type NewUser, ROLES, type Role } from "./users-api.ts";

export interface CreateUserFormProps {
  pending: boolean;
  error: unknown;
  onSubmit(user: NewUser): void;
  onCancel(): void;
}

/**
 * Email, role and an initial password (twice), checked against the server's password rule
 * before sending; whatever the server still refuses is shown with its message.
 */
export function CreateUserForm({ pending, error, onSubmit, onCancel }: CreateUserFormProps) {
  const [role, setRole] = useState<Role>("viewer");
  const [faults, setFaults] = useState<{ email?: string; password?: string; confirm?: string }>({});

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    const found = {
      ...(email === "" ? { email: "Enter the user's email" } : {}),
      ...newPasswordFaults(password, String(form.get("confirm") ?? "")),
    };
    setFaults(found);
    if (Object.keys(found).length === 0) onSubmit({ email, password, role });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {error ? <ErrorAlert error={error} title="The user could not be created" /> : null}
        <TextInput
          name="email"
          type="email"
          label="Email"
          autoComplete="off"
          required
          error={faults.email}
          data-autofocus
        />
        <Select
          label="Role"
          data={ROLES.map((value) => ({ value, label: value }))}
          value={role}
          onChange={(value) => setRole((value as Role | null) ?? "viewer")}
          allowDeselect={false}
          description="Viewers read; editors also change workflows and start runs; admins also manage settings."
        />
        <PasswordInput
          name="password"
          label="Initial password"
          autoComplete="new-password"
          required
          description={`At least ${PASSWORD_MIN_LENGTH} characters. Tell it to the user; they can change it on their Account page.`}
          error={faults.password}
        />
        <PasswordInput
          name="confirm"
          label="Confirm password"
          autoComplete="new-password"
          required
          error={faults.confirm}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={pending}>
            Create user
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The "Add user" dialog around CreateUserForm. */
export function CreateUserDialog({
  opened,
  onClose,
  ...form
}: Omit<CreateUserFormProps, "onCancel"> & { opened: boolean; onClose(): void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Add a user" centered>
      <Text size="sm" c="dimmed" mb="md">
        The user signs in with this email and password.
      </Text>
      <CreateUserForm {...form} onCancel={onClose} />
    </Modal>
  );
}
