import { Center, Loader, Paper, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { ApiToken, CreatedApiToken } from "../../api/answers.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { ConfirmDialog } from "../settings/confirm-dialog.tsx";
import { tokensQuery, useCreateToken, useRevokeToken } from "./account-api.ts";
import { CreateTokenForm } from "./create-token-form.tsx";
import { NewToken } from "./new-token.tsx";
import { TokenTable } from "./token-table.tsx";

/** The signed-in user's API tokens: create (the secret shown once), list, revoke. */
export function TokensSection({ role }: { role: string }) {
  const tokens = useQuery(tokensQuery);
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [created, setCreated] = useState<CreatedApiToken | undefined>();
  const [revoking, setRevoking] = useState<ApiToken | undefined>();
  const [confirming, setConfirming] = useState(false);

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        A token acts as you, with your role ({role}), for scripts and the CLI. Revoke one the moment
        it may have leaked.
      </Text>
      {created ? <NewToken token={created} onDone={() => setCreated(undefined)} /> : null}
      <CreateTokenForm
        pending={create.isPending}
        error={create.error}
        onSubmit={(token) => create.mutateAsync(token).then(setCreated)}
      />
      {tokens.isPending ? (
        <Center p="md">
          <Loader aria-label="Loading tokens" />
        </Center>
      ) : tokens.isError ? (
        <ErrorAlert error={tokens.error} title="Your tokens could not be loaded" />
      ) : tokens.data.items.length === 0 ? (
        <Paper withBorder p="md" radius="md">
          <Text size="sm">No API tokens yet: create one above to call the API from a script.</Text>
        </Paper>
      ) : (
        <TokenTable
          tokens={tokens.data.items}
          onRevoke={(token) => {
            revoke.reset();
            setRevoking(token);
            setConfirming(true);
          }}
        />
      )}
      <ConfirmDialog
        opened={confirming}
        title={`Revoke "${revoking?.name ?? ""}"?`}
        confirmLabel="Revoke token"
        danger
        pending={revoke.isPending}
        error={revoke.error}
        onClose={() => setConfirming(false)}
        onConfirm={() => {
          if (revoking) revoke.mutate(revoking.id, { onSuccess: () => setConfirming(false) });
        }}
      >
        Whatever uses it is refused from now on. This cannot be undone.
      </ConfirmDialog>
    </Stack>
  );
}
