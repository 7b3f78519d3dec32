import { Button, PasswordInput, Stack, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import type { Credentials } from "../auth/session.ts";
import { ErrorAlert } from "./error-alert.tsx";

export interface CredentialsFormProps {
  submitLabel: string;
  /** Ask for the password twice (a new account) and refuse a mismatch before sending. */
  confirm?: boolean;
  pending: boolean;
  error: unknown;
  onSubmit(credentials: Credentials): void;
}

/** Email and password, as sign-in and first-admin setup ask for them. */
export function CredentialsForm({
  submitLabel,
  confirm,
  pending,
  error,
  onSubmit,
}: CredentialsFormProps) {
  const [mismatch, setMismatch] = useState(false);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    const differs = confirm === true && password !== String(form.get("confirm") ?? "");
    setMismatch(differs);
    if (!differs) onSubmit({ email, password });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {error ? <ErrorAlert error={error} title={`${submitLabel} failed`} /> : null}
        <TextInput name="email" type="email" label="Email" autoComplete="email" required />
        <PasswordInput
          name="password"
          label="Password"
          autoComplete={confirm ? "new-password" : "current-password"}
          required
        />
        {confirm ? (
          <PasswordInput
            name="confirm"
            label="Confirm password"
            autoComplete="new-password"
            required
            error={mismatch ? "The two passwords differ" : undefined}
          />
        ) : null}
        <Button type="submit" loading={pending}>
          {submitLabel}
        </Button>
      </Stack>
    </form>
  );
}
