import { MantineProvider } from "@mantine/core";
import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { ApiError } from "./api/api-error.ts";
import { type SessionState, sessionQuery } from "./auth/session.ts";
import { styleNonce } from "./csp-nonce.ts";
import { createAppRouter } from "./router.tsx";
import { theme } from "./theme.ts";

/** Builds the query client and router together: an ended session sends the user to sign in. */
export function createApp() {
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (!(error instanceof ApiError) || error.status !== 401) return;
        if (query.queryKey[0] === sessionQuery.queryKey[0]) return;
        queryClient.setQueryData<SessionState>(sessionQuery.queryKey, { status: "signed-out" });
        void router.navigate({ to: "/sign-in", search: { redirect: router.state.location.href } });
      },
    }),
    defaultOptions: {
      queries: {
        // A refused request will be refused again; anything else (a restart) gets one retry.
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 1,
      },
    },
  });
  const router = createAppRouter(queryClient);
  return { queryClient, router };
}

export function App({ app }: { app: ReturnType<typeof createApp> }) {
  const nonce = styleNonce();
  return (
    <MantineProvider
      theme={theme}
      defaultColorScheme="auto"
      getStyleNonce={nonce ? () => nonce : undefined}
    >
      <QueryClientProvider client={app.queryClient}>
        <RouterProvider router={app.router} />
      </QueryClientProvider>
    </MantineProvider>
  );
}
