import { Button, Group, Select, Stack, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { ErrorAlert } from "../../components/error-alert.tsx";
import type { NewToken } from "./account-api.ts";

const EXPIRIES = [
  { value: "never", label: "Never" },
  { value: "7", label: "In 7 days" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In a year" },
];

/** A token's name and how long it lives; the name is checked before sending. */
export function CreateTokenForm({
  pending,
  error,
  onSubmit,
}: {
  pending: boolean;
  error: unknown;
  onSubmit(token: NewToken): Promise<unknown>;
}) {
  const [expiry, setExpiry] = useState("90");
  const [nameFault, setNameFault] = useState<string | undefined>();

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const name = String(new FormData(form).get("name") ?? "").trim();
    const fault =
      name === ""
        ? "Name the token after what will use it"
        : name.length > 100
          ? "At most 100 characters"
          : undefined;
    setNameFault(fault);
    if (fault) return;
    try {
      await onSubmit({ name, ...(expiry === "never" ? {} : { expiresInDays: Number(expiry) }) });
      form.reset();
    } catch {
      // Shown from the mutation.
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="xs">
        {error ? <ErrorAlert error={error} title="The token could not be created" /> : null}
        <Group align="flex-start">
          <TextInput
            name="name"
            label="Token name"
            placeholder="such as deploy-script"
            autoComplete="off"
            error={nameFault}
          />
          <Select
            label="Expires"
            data={EXPIRIES}
            value={expiry}
            onChange={(value) => setExpiry(value ?? "90")}
            allowDeselect={false}
            w={160}
          />
          <Button type="submit" loading={pending} mt={25}>
            Create token
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
