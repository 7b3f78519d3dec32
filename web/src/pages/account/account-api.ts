import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { ApiTokenList, CreatedApiToken } from "../../api/answers.ts";
import { api, requireOk } from "../../api/client.ts";

export const tokensQuery = queryOptions({
  queryKey: ["tokens"],
  queryFn: () => requireOk<ApiTokenList>(api.GET("/api/v1/tokens")),
});

export interface NewToken {
  name: string;
  expiresInDays?: number;
}

/** Creates an API token; the answer holds its secret, which is never listed again. */
export function useCreateToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: NewToken) =>
      requireOk<CreatedApiToken>(api.POST("/api/v1/tokens", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: tokensQuery.queryKey }),
  });
}

export function useRevokeToken() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      requireOk(api.DELETE("/api/v1/tokens/{id}", { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: tokensQuery.queryKey }),
  });
}

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

/** Changes the user's password: the server ends their other sessions and renews this one. */
export function useChangePassword() {
  return useMutation({
    mutationFn: (body: PasswordChange) => requireOk(api.POST("/api/v1/session/password", { body })),
  });
}
