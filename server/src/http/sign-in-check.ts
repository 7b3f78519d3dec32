import { randomBytes } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { recordAudit } from "../audit/audit-log.ts";
import { verifyPassword } from "../auth/passwords.ts";
import { WeftError } from "../errors.ts";
import type { Db } from "../store/database.ts";
import type { UserTable } from "../store/schema.ts";
import { getUserByEmail } from "../store/users.ts";
import type { SignInLockout } from "./rate-limit/sign-in-lockout.ts";

/** Checked when the email is unknown, so a wrong email takes as long as a wrong password. */
const DUMMY_HASH = ["scrypt", 32768, 8, 1, randomBytes(16), randomBytes(32)]
  .map((part) => (Buffer.isBuffer(part) ? part.toString("base64url") : String(part)))
  .join("$");

/** Why a sign-in was refused, as the audit log records it; the caller never learns it. */
export type SignInRefusal = "bad-credentials" | "locked" | "disabled";

/**
 * The user that `email` and `password` sign in as. Otherwise a 401 that reads the same for
 * an unknown email, a wrong password, a disabled account and a locked email, after the same
 * work (a password hash check too), so neither the answer nor its time tells them apart.
 */
export async function requireSignIn(
  db: Db,
  lockout: SignInLockout,
  request: FastifyRequest,
  credentials: { email: string; password: string },
): Promise<UserTable> {
  const email = credentials.email.trim().toLowerCase();
  const locked = !(await lockout.beginAttempt(email));
  const row = await getUserByEmail(db, email);
  const valid = await verifyPassword(credentials.password, row?.password_hash ?? DUMMY_HASH);

  const refusal: SignInRefusal | undefined = locked
    ? "locked"
    : !row || !valid
      ? "bad-credentials"
      : row.disabled_at !== null
        ? "disabled"
        : undefined;
  if (row && refusal === undefined) {
    await lockout.recordSuccess(email);
    return row;
  }

  // Tries refused as locked are not counted again: they cannot extend a lock, and one
  // not yet set is set by the checked try that fails.
  const lockedNow = refusal !== "locked" && (await lockout.recordFailure(email));
  await recordAudit(db, {
    actor: { email },
    action: "session.create",
    outcome: "failure",
    ip: request.ip,
    details: { reason: refusal, ...(lockedNow ? { locked: true } : {}) },
  });
  throw new WeftError("unauthorized", "email or password is wrong");
}
