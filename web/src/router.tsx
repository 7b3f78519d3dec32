import { Button, Center, Stack, Text } from "@mantine/core";
import type { QueryClient } from "@tanstack/react-query";
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  type ErrorComponentProps,
  lazyRouteComponent,
  Outlet,
  redirect,
} from "@tanstack/react-router";
import { sessionQuery } from "./auth/session.ts";
import { ErrorAlert } from "./components/error-alert.tsx";
import { parseRunSearch } from "./pages/runs/run-search.ts";
import { parseAuditSearch } from "./pages/settings/audit-search.ts";
import { parseWorkflowPageSearch } from "./pages/workflow/workflow-tab.ts";
import { parseWorkflowSearch } from "./pages/workflows/workflow-search.ts";
import { AppLayout } from "./shell/app-layout.tsx";

interface RouterContext {
  queryClient: QueryClient;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  errorComponent: RouteError,
  notFoundComponent: NotFound,
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/sign-in",
  validateSearch: (search: Record<string, unknown>): { redirect?: string } =>
    typeof search.redirect === "string" ? { redirect: search.redirect } : {},
  beforeLoad: async ({ context }) => {
    const session = await context.queryClient.ensureQueryData(sessionQuery);
    if (session.status === "setup-required") throw redirect({ to: "/setup" });
  },
  component: lazyRouteComponent(() => import("./pages/sign-in-page.tsx"), "SignInPage"),
});

const setupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/setup",
  beforeLoad: async ({ context }) => {
    const session = await context.queryClient.ensureQueryData(sessionQuery);
    if (session.status === "signed-in") throw redirect({ to: "/" });
  },
  component: lazyRouteComponent(() => import("./pages/setup-page.tsx"), "SetupPage"),
});

/** Every page behind sign-in: the shell, with the user in the route context. */
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "_app",
  beforeLoad: async ({ context, location }) => {
    const session = await context.queryClient.ensureQueryData(sessionQuery);
    if (session.status === "setup-required") throw redirect({ to: "/setup" });
    if (session.status === "signed-out")
      throw redirect({ to: "/sign-in", search: { redirect: location.href } });
    return { user: session.user };
  },
  component: AppLayout,
});

const indexRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/",
  beforeLoad: () => {
    throw redirect({ to: "/dashboard" });
  },
});

const dashboardRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/dashboard",
  component: lazyRouteComponent(
    () => import("./pages/dashboard/dashboard-page.tsx"),
    "DashboardPage",
  ),
});

const workflowsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/workflows",
  validateSearch: parseWorkflowSearch,
  component: lazyRouteComponent(
    () => import("./pages/workflows/workflows-page.tsx"),
    "WorkflowsPage",
  ),
});

/** Writing a new workflow; a path of its own, ranked above the `$workflowId` one beside it. */
const newWorkflowRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/workflows/new",
  component: lazyRouteComponent(
    () => import("./pages/new-workflow/new-workflow-page.tsx"),
    "NewWorkflowPage",
  ),
});

/** One workflow, by name or id (the API takes either; links use the name). */
const workflowRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/workflows/$workflowId",
  validateSearch: parseWorkflowPageSearch,
  component: lazyRouteComponent(() => import("./pages/workflow/workflow-page.tsx"), "WorkflowPage"),
});

const runsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/runs",
  validateSearch: parseRunSearch,
  component: lazyRouteComponent(() => import("./pages/runs/runs-page.tsx"), "RunsPage"),
});

/** One run, kept current over the live feed. */
const runRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/runs/$runId",
  component: lazyRouteComponent(() => import("./pages/run/run-page.tsx"), "RunPage"),
});

/** Settings, for admins (the layout tells anyone else so): users, secrets, the audit log. */
const settingsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/settings",
  component: lazyRouteComponent(
    () => import("./pages/settings/settings-layout.tsx"),
    "SettingsLayout",
  ),
});

const settingsIndexRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: "/",
  beforeLoad: () => {
    throw redirect({ to: "/settings/users" });
  },
});

const settingsUsersRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: "/users",
  component: lazyRouteComponent(() => import("./pages/settings/users-page.tsx"), "UsersPage"),
});

const settingsSecretsRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: "/secrets",
  component: lazyRouteComponent(() => import("./pages/settings/secrets-page.tsx"), "SecretsPage"),
});

const settingsAuditRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: "/audit",
  validateSearch: parseAuditSearch,
  component: lazyRouteComponent(() => import("./pages/settings/audit-page.tsx"), "AuditPage"),
});

/** The signed-in user's API tokens and password, for every role. */
const accountRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/account",
  component: lazyRouteComponent(() => import("./pages/account/account-page.tsx"), "AccountPage"),
});

const routeTree = rootRoute.addChildren([
  signInRoute,
  setupRoute,
  appRoute.addChildren([
    indexRoute,
    dashboardRoute,
    workflowsRoute,
    newWorkflowRoute,
    workflowRoute,
    runsRoute,
    runRoute,
    settingsRoute.addChildren([
      settingsIndexRoute,
      settingsUsersRoute,
      settingsSecretsRoute,
      settingsAuditRoute,
    ]),
    accountRoute,
  ]),
]);

/** The app's router; pages load on first visit, each in its own chunk. */
export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: "intent",
    defaultPendingComponent: PageLoading,
    scrollRestoration: true,
  });
}

declare module "@tanstack/react-router" {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}

function PageLoading() {
  return (
    <Center p="xl">
      <Text c="dimmed">Loading…</Text>
    </Center>
  );
}

function RouteError({ error, reset }: ErrorComponentProps) {
  return (
    <Center p="xl">
      <Stack maw={520}>
        <ErrorAlert error={error} title="This page could not be shown" />
        <Button variant="default" onClick={reset}>
          Try again
        </Button>
      </Stack>
    </Center>
  );
}

function NotFound() {
  return (
    <Center p="xl">
      <Text>There is no page at this address.</Text>
    </Center>
  );
}
