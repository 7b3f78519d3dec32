import { AppShell, Badge, Burger, Button, Group, NavLink, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { getRouteApi, Link, Outlet, useLocation, useNavigate } from "@tanstack/react-router";
import { useSignOut } from "../auth/session.ts";
import { ErrorAlert } from "../components/error-alert.tsx";

const route = getRouteApi("/_app");

/** Pages the navigation lists; a page joins here when it exists. */
const PAGES = [
  { to: "/workflows", label: "Workflows" },
  { to: "/runs", label: "Runs" },
] as const;

/** The signed-in frame: header with the user and sign-out, navigation, and the page. */
export function AppLayout() {
  const { user } = route.useRouteContext();
  const [opened, { toggle, close }] = useDisclosure();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const pathname = useLocation({ select: (location) => location.pathname });

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Title order={2} size="h4">
              Weft
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" truncate="end" data-testid="user-email">
              {user.email}
            </Text>
            <Badge variant="outline" data-testid="user-role">
              {user.role}
            </Badge>
            <Button
              variant="default"
              size="xs"
              loading={signOut.isPending}
              onClick={() =>
                signOut.mutate(undefined, { onSuccess: () => navigate({ to: "/sign-in" }) })
              }
            >
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Pages">
        {PAGES.map((page) => (
          <NavLink
            key={page.to}
            label={page.label}
            active={pathname.startsWith(page.to)}
            onClick={close}
            renderRoot={(props) => <Link to={page.to} {...props} />}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        {signOut.isError ? <ErrorAlert error={signOut.error} title="Sign-out failed" /> : null}
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
