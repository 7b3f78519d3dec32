import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { ApiError } from "../api/api-error.ts";
import type { SessionUser } from "../api/answers.ts";
import { api, requireOk } from "../api/client.ts";

/** Who the browser is signed in as; `signed-out` and `setup-required` are answers, not errors. */
export type SessionState =
  | { status: "signed-in"; user: SessionUser }
  | { status: "signed-out" }
  | { status: "setup-required" };

export const sessionQuery = queryOptions({
  queryKey: ["session"],
  queryFn: async (): Promise<SessionState> => {
    try {
      const user = await requireOk<SessionUser>(api.GET("/api/v1/session"));
      return { status: "signed-in", user };
    } catch (error) {
      if (error instanceof ApiError && error.code === "setup-required")
        return { status: "setup-required" };
      if (error instanceof ApiError && error.status === 401) return { status: "signed-out" };
      throw error;
    }
  },
  staleTime: 60_000,
});

export interface Credentials {
  email: string;
  password: string;
}

/** Signs in; on success the session query holds the user. */
export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Credentials) =>
      requireOk<SessionUser>(api.POST("/api/v1/session", { body })),
    onSuccess: (user) => client.setQueryData(sessionQuery.queryKey, signedIn(user)),
  });
}

/** Creates the first admin, then signs them in. */
export function useSetup() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: Credentials) => {
      await requireOk(api.POST("/api/v1/setup", { body }));
      return requireOk<SessionUser>(api.POST("/api/v1/session", { body }));
    },
    onSuccess: (user) => client.setQueryData(sessionQuery.queryKey, signedIn(user)),
  });
}

/** Signs out and forgets every cached answer, which belonged to that user. */
export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => requireOk(api.DELETE("/api/v1/session")),
    onSuccess: () => {
      client.clear();
      client.setQueryData<SessionState>(sessionQuery.queryKey, { status: "signed-out" });
    },
  });
}

function signedIn(user: SessionUser): SessionState {
  return { status: "signed-in", user: { id: user.id, email: user.email, role: user.role } };
}
