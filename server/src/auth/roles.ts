import type { Role } from "../store/schema.ts";

export type { Role };

export const ROLES: readonly Role[] = ["viewer", "editor", "admin"];

/** Whether `role` may do what `required` allows: admin ⊃ editor ⊃ viewer. */
export function hasRole(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}
