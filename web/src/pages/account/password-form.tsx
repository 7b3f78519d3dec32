import { Alert, Button, PasswordInput, Stack } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { ErrorAlert } from "../../components/error-alert.tsx";
import type { PasswordChange } from "./account-api.ts";
import { newPasswordFaults, PASSWORD_MIN_LENGTH } from "./password-rules.ts";

export interface PasswordFormProps {
  pending: boolean;
  error: unknown;
  /** Shows the success note: the change went through. */
  done: boolean;
  /** Resolves once changed: the form then forgets the passwords it held. */
  onSubmit(change: PasswordChange): Promise<unknown>;
}

/** Current, new and confirmed password; the new one is checked against the server's rule. */
export function PasswordForm({ pending, error, done, onSubmit }: PasswordFormProps) {
  const [faults, setFaults] = useState<{ current?: string; password?: string; confirm?: string }>(
    {},
  );

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const currentPassword = String(data.get("currentPassword") ?? "");
    const newPassword = String(data.get("newPassword") ?? "");
    const found = {
      ...(currentPassword === "" ? { current: "Enter your current password" } : {}),
      ...newPasswordFaults(newPassword, String(data.get("confirm") ?? "")),
    };
    setFaults(found);
    if (Object.keys(found).length > 0) return;
    try {
      await onSubmit({ currentPassword, newPassword });
      form.reset();
    } catch {
      // The server's message is shown from the mutation; the fields stay for another try.
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack maw={420}>
        {error ? <ErrorAlert error={error} title="The password was not changed" /> : null}
        {done && !error ? (
          <Alert color="green" title="Password changed">
            Your other sessions were signed out; this one stays signed in.
          </Alert>
        ) : null}
        <PasswordInput
          name="currentPassword"
          label="Current password"
          autoComplete="current-password"
          required
          error={faults.current}
        />
        <PasswordInput
          name="newPassword"
          label="New password"
          description={`At least ${PASSWORD_MIN_LENGTH} characters`}
          autoComplete="new-password"
          required
          error={faults.password}
        />
        <PasswordInput
          name="confirm"
          label="Confirm new password"
          autoComplete="new-password"
          required
          error={faults.confirm}
        />
        <Button type="submit" loading={pending} w="fit-content">
          Change password
        </Button>
      </Stack>
    </form>
  );
}
