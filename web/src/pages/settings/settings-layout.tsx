import { Anchor, Paper, Stack, Tabs, Text, Title } from "@mantine/core";
import { getRouteApi, Link, Outlet, useLocation, useNavigate } from "@tanstack/react-router";

const app = getRouteApi("/_app");

/** The settings pages, in the order of their tabs. */
const SECTIONS = [
  { to: "/settings/users", label: "Users" },
  { to: "/settings/secrets", label: "Secrets" },
  { to: "/settings/audit", label: "Audit log" },
] as const;

/**
 * The frame of every settings page: a tab per section, for admins only. Others get a message
 * and no page, so nothing under it asks the API for what it would refuse them.
 */
export function SettingsLayout() {
  const { user } = app.useRouteContext();
  const pathname = useLocation({ select: (location) => location.pathname });
  const navigate = useNavigate();
  const current = SECTIONS.find((section) => pathname.startsWith(section.to))?.to ?? null;

  if (user.role !== "admin") return <AdminsOnly role={user.role} />;
  return (
    <Stack>
      <Title order={1} size="h2">
        Settings
      </Title>
      <Tabs
        value={current}
        onChange={(value) => {
          if (value) void navigate({ to: value });
        }}
        keepMounted={false}
      >
        <Tabs.List aria-label="Settings sections">
          {SECTIONS.map((section) => (
            <Tabs.Tab key={section.to} value={section.to}>
              {section.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Outlet />
    </Stack>
  );
}

function AdminsOnly({ role }: { role: string }) {
  return (
    <Paper withBorder p="xl" radius="md" maw={560}>
      <Stack gap="xs">
        <Title order={1} size="h3">
          Only admins can see settings
        </Title>
        <Text>
          You are signed in as {role === "editor" ? "an editor" : `a ${role}`}. Users, secrets and
          the audit log are managed by the instance's admins: ask one if you need a change.
        </Text>
        <Text size="sm" c="dimmed">
          Your own API tokens and password are on your{" "}
          <Anchor renderRoot={(props) => <Link to="/account" {...props} />}>Account page</Anchor>.
        </Text>
      </Stack>
    </Paper>
  );
}
