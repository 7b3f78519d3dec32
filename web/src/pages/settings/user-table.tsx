import { Badge, Button, Group, Select, Table, Text } from "@mantine/core";
import { getRouteApi, useRouter } from "@tanstack/react-router";
import { useState } from "react";
import type { UserListItem } from "../../api/answers.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { ConfirmDialog } from "./confirm-dialog.tsx";
import {
  ROLES,
  type Role,
  statusOf,
  type UserStatus,
  useChangeUser,
  useUnlockUser,
} from "./users-api.ts";
import { When } from "./when.tsx";

const app = getRouteApi("/_app");

const STATUS_COLORS: Record<UserStatus, string> = {
  active: "green",
  disabled: "gray",
  locked: "red",
};

/** Users with a role picker, their status, and disable, enable and unlock buttons. */
export function UserTable({ users }: { users: UserListItem[] }) {
  const { user: me } = app.useRouteContext();
  const router = useRouter();
  const change = useChangeUser();
  const unlock = useUnlockUser();
  // The user stays set while the dialog closes, so that its text does not change as it fades.
  const [toggling, setToggling] = useState<UserListItem | undefined>();
  const [confirming, setConfirming] = useState(false);
  const toggle = useChangeUser();

  // An admin who changed their own role sees the app as that role from now on.
  const afterChange = (email: string) => {
    if (email === me.email) void router.invalidate();
  };

  return (
    <>
      {change.isError ? (
        <ErrorAlert error={change.error} title="The role could not be changed" />
      ) : null}
      {unlock.isError ? <ErrorAlert error={unlock.error} title="Unlock failed" /> : null}
      <Table.ScrollContainer minWidth={820}>
        <Table striped highlightOnHover aria-label="Users">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Last sign-in</Table.Th>
              <Table.Th>Actions</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {users.map((user) => (
              <UserRow
                key={user.id}
                user={user}
                isMe={user.email === me.email}
                changing={change.isPending && change.variables?.email === user.email}
                unlocking={unlock.isPending && unlock.variables === user.email}
                onRole={(role) =>
                  change.mutate(
                    { email: user.email, role },
                    { onSuccess: () => afterChange(user.email) },
                  )
                }
                onToggle={() => {
                  toggle.reset();
                  setToggling(user);
                  setConfirming(true);
                }}
                onUnlock={() => unlock.mutate(user.email)}
              />
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <ConfirmDialog
        opened={confirming}
        title={toggling?.disabled ? `Enable ${toggling.email}?` : `Disable ${toggling?.email}?`}
        confirmLabel={toggling?.disabled ? "Enable" : "Disable"}
        danger={!toggling?.disabled}
        pending={toggle.isPending}
        error={toggle.error}
        onClose={() => setConfirming(false)}
        onConfirm={() => {
          if (!toggling) return;
          toggle.mutate(
            { email: toggling.email, disabled: !toggling.disabled },
            {
              onSuccess: () => {
                afterChange(toggling.email);
                setConfirming(false);
              },
            },
          );
        }}
      >
        {toggling?.disabled
          ? "They can sign in again, and their API tokens work again."
          : "They are signed out at once, cannot sign in, and their API tokens stop working until you enable them again."}
      </ConfirmDialog>
    </>
  );
}

interface UserRowProps {
  user: UserListItem;
  isMe: boolean;
  changing: boolean;
  unlocking: boolean;
  onRole(role: Role): void;
  onToggle(): void;
  onUnlock(): void;
}

function UserRow({ user, isMe, changing, unlocking, onRole, onToggle, onUnlock }: UserRowProps) {
  const status = statusOf(user);
  return (
    <Table.Tr data-user-email={user.email}>
      <Table.Td>
        {user.email}
        {isMe ? (
          <Text span size="xs" c="dimmed">
            {" "}
            (you)
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>
        <Select
          aria-label={`Role of ${user.email}`}
          data={[...ROLES]}
          value={user.role}
          allowDeselect={false}
          disabled={changing}
          onChange={(value) => {
            if (value && value !== user.role) onRole(value as Role);
          }}
          w={130}
          size="xs"
        />
      </Table.Td>
      <Table.Td>
        <Badge color={STATUS_COLORS[status]} variant="light">
          {status}
        </Badge>
      </Table.Td>
      <Table.Td>
        <When iso={user.createdAt} />
      </Table.Td>
      <Table.Td>
        <When iso={user.lastSignInAt} fallback="never" />
      </Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Button
            size="xs"
            variant="default"
            aria-label={`${user.disabled ? "Enable" : "Disable"} ${user.email}`}
            onClick={onToggle}
          >
            {user.disabled ? "Enable" : "Disable"}
          </Button>
          {status === "locked" ? (
            <Button
              size="xs"
              variant="default"
              aria-label={`Unlock ${user.email}`}
              loading={unlocking}
              onClick={onUnlock}
            >
              Unlock
            </Button>
          ) : null}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
