import { Anchor, AppShell, Badge, Burger, Button, Group, NavLink, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { getRouteApi, Link, Outlet, useLocation, useNavigate } from "@tanstack/react-router";
import { useSignOut } from "../auth/session.ts";
import { ErrorAlert } from "../components/error-alert.tsx";

const route = getRouteApi("/_app");

/** Pages the navigation lists; a page joins here when it exists. */
const PAGES = [
  { to: "/dashboard", label: "Dashboard" },
  { to: "/workflows", label: "Workflows" },
  { to: "/runs", label: "Runs" },
] as const;

/** Pages listed below the others: the user's own, and settings for admins only. */
const USER_PAGES = [
  { to: "/settings", label: "Settings", adminOnly: true },
  { to: "/account", label: "Account", adminOnly: false },
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
          {/* On a phone the email gives way (truncated), never the role or the sign-out. */}
          <Group gap="sm" wrap="nowrap" miw={0}>
            <Anchor
              size="sm"
              truncate="end"
              data-testid="user-email"
              title="Your account: API tokens and password"
              renderRoot={(props) => <Link to="/account" {...props} />}
            >
              {user.email}
            </Anchor>
            <Badge variant="outline" data-testid="user-role" style={{ flexShrink: 0 }}>
              {user.role}
            </Badge>
            <Button
              variant="default"
              size="xs"
              style={{ flexShrink: 0 }}
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
        {USER_PAGES.filter((page) => !page.adminOnly || user.role === "admin").map((page) => (
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
