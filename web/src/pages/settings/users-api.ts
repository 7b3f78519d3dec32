import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import type { UserAnswer, UserList, UserListItem } from "../../api/answers.ts";
import { api, requireOk } from "../../api/client.ts";
import { sessionQuery } from "../../auth/session.ts";

export type Role = "admin" | "editor" | "viewer";

/** Roles from the most to the least allowed, as the role pickers list them. */
export const ROLES: readonly Role[] = ["admin", "editor", "viewer"];

export type UserStatus = "active" | "disabled" | "locked";

/** A disabled user is disabled, locked or not; a lock is only news for one who could sign in. */
export function statusOf(user: UserListItem, now = Date.now()): UserStatus {
  if (user.disabled) return "disabled";
  if (user.lockedUntil !== null && Date.parse(user.lockedUntil) > now) return "locked";
  return "active";
}

export const usersQuery = queryOptions({
  queryKey: ["users"],
  queryFn: () => requireOk<UserList>(api.GET("/api/v1/users")),
});

export interface NewUser {
  email: string;
  password: string;
  role: Role;
}

/** Creates a user; the list reloads. */
export function useCreateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: NewUser) => requireOk<UserAnswer>(api.POST("/api/v1/users", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: usersQuery.queryKey }),
  });
}

export interface UserChange {
  email: string;
  role?: Role;
  disabled?: boolean;
}

/**
 * Changes a user's role or disabled state; the list reloads, and so does the session, since
 * an admin may have changed their own role.
 */
export function useChangeUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ email, ...body }: UserChange) =>
      requireOk<UserAnswer>(
        api.PATCH("/api/v1/users/{email}", { params: { path: { email } }, body }),
      ),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: usersQuery.queryKey });
      await client.invalidateQueries({ queryKey: sessionQuery.queryKey });
    },
  });
}

/** Lifts a sign-in lock; the list reloads. */
export function useUnlockUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (email: string) =>
      requireOk(api.POST("/api/v1/users/{email}/unlock", { params: { path: { email } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: usersQuery.queryKey }),
  });
}
