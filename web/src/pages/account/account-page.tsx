import { Badge, Divider, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { getRouteApi } from "@tanstack/react-router";
import { useChangePassword } from "./account-api.ts";
import { PasswordForm } from "./password-form.tsx";
import { TokensSection } from "./tokens-section.tsx";

const app = getRouteApi("/_app");

/** The signed-in user's own things: who they are, their API tokens, their password. */
export function AccountPage() {
  const { user } = app.useRouteContext();
  const password = useChangePassword();

  return (
    <Stack>
      <Title order={1} size="h2">
        Account
      </Title>
      <Group gap="xs">
        <Text>{user.email}</Text>
        <Badge variant="outline">{user.role}</Badge>
      </Group>
      <Paper withBorder p="md" radius="md">
        <Title order={2} size="h4" mb="sm">
          API tokens
        </Title>
        <TokensSection role={user.role} />
      </Paper>
      <Paper withBorder p="md" radius="md">
        <Title order={2} size="h4" mb="xs">
          Password
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          Changing it signs out your other sessions. Your API tokens keep working.
        </Text>
        <Divider mb="sm" />
        <PasswordForm
          pending={password.isPending}
          error={password.error}
          done={password.isSuccess}
          onSubmit={(change) => password.mutateAsync(change)}
        />
      </Paper>
    </Stack>
  );
}
