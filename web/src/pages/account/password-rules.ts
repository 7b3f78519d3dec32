/**
 * The password rule the server enforces (server/src/auth/passwords.ts), checked before sending
 * so that a typo costs no round trip; the server checks again and its message is shown.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 512;

/** Why a new password cannot be used, or undefined when it can. */
export function newPasswordFault(password: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH)
    return `Must be at least ${PASSWORD_MIN_LENGTH} characters long`;
  if (password.length > PASSWORD_MAX_LENGTH)
    return `Must be at most ${PASSWORD_MAX_LENGTH} characters long`;
  return undefined;
}

/** The faults of a new password and its confirmation, by field; empty when both are fine. */
export function newPasswordFaults(
  password: string,
  confirm: string,
): { password?: string; confirm?: string } {
  const fault = newPasswordFault(password);
  if (fault) return { password: fault };
  return password === confirm ? {} : { confirm: "The two passwords differ" };
}
