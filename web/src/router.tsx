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
    throw redirect({ to: "/workflows" });
  },
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

const runsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/runs",
  validateSearch: parseRunSearch,
  component: lazyRouteComponent(() => import("./pages/runs/runs-page.tsx"), "RunsPage"),
});

const routeTree = rootRoute.addChildren([
  signInRoute,
  setupRoute,
  appRoute.addChildren([indexRoute, workflowsRoute, runsRoute]),
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
