import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { SecretInfo, SecretList } from "../../api/answers.ts";
import { api, requireOk } from "../../api/client.ts";

/** The server's rule for a secret's name (server/src/secrets/secret-rules.ts). */
export const SECRET_NAME = /^[A-Z][A-Z0-9_]{0,99}$/;
export const SECRET_NAME_RULE =
  "1 to 100 upper-case letters, digits or underscores, starting with a letter (such as API_KEY)";
export const MAX_DESCRIPTION_LENGTH = 500;

export const secretsQuery = queryOptions({
  queryKey: ["secrets"],
  queryFn: () => requireOk<SecretList>(api.GET("/api/v1/secrets")),
});

export interface SecretWrite {
  name: string;
  value: string;
  description?: string;
}

/** Creates or replaces a secret. The answer holds no value, and neither does any cache. */
export function useSaveSecret() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ name, ...body }: SecretWrite) =>
      requireOk<SecretInfo>(
        api.PUT("/api/v1/secrets/{name}", { params: { path: { name } }, body }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: secretsQuery.queryKey }),
  });
}

export function useDeleteSecret() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      requireOk(api.DELETE("/api/v1/secrets/{name}", { params: { path: { name } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: secretsQuery.queryKey }),
  });
}

/** What is wrong with a secret as typed, by field; empty when it may be sent. */
export function secretFaults(
  input: SecretWrite,
): Partial<Record<"name" | "value" | "description", string>> {
  const faults: Partial<Record<"name" | "value" | "description", string>> = {};
  if (!SECRET_NAME.test(input.name)) faults.name = `Must be ${SECRET_NAME_RULE}`;
  if (input.value === "") faults.value = "Enter the value";
  if ((input.description ?? "").length > MAX_DESCRIPTION_LENGTH)
    faults.description = `Must be at most ${MAX_DESCRIPTION_LENGTH} characters`;
  return faults;
}
