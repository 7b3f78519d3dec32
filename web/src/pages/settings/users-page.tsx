import { Button, Center, Group, Loader, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { CreateUserDialog } from "./create-user-dialog.tsx";
import { UserTable } from "./user-table.tsx";
import { useCreateUser, usersQuery } from "./users-api.ts";

/** Every user with their role and status; admins add users, change roles, disable and unlock. */
export function UsersPage() {
  const users = useQuery(usersQuery);
  const create = useCreateUser();
  const [adding, setAdding] = useState(false);

  return (
    <Stack>
      <Group justify="space-between">
        <Text c="dimmed" size="sm">
          Viewers read everything; editors also change workflows and start runs; admins also manage
          users, secrets and the audit log.
        </Text>
        <Button
          onClick={() => {
            create.reset();
            setAdding(true);
          }}
        >
          Add user
        </Button>
      </Group>
      {users.isPending ? (
        <Center p="xl">
          <Loader aria-label="Loading users" />
        </Center>
      ) : users.isError ? (
        <ErrorAlert error={users.error} title="The users could not be loaded" />
      ) : (
        <UserTable users={users.data.items} />
      )}
      <CreateUserDialog
        opened={adding}
        onClose={() => setAdding(false)}
        pending={create.isPending}
        error={create.error}
        onSubmit={(user) => create.mutate(user, { onSuccess: () => setAdding(false) })}
      />
    </Stack>
  );
}
