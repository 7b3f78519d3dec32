import { ConflictError, NotFoundError, ValidationError, WeftError } from "../errors.ts";
import type { Db } from "../store/database.ts";
import { inWriteTransaction } from "../store/transaction.ts";
import type { Role } from "../store/schema.ts";
import {
  getUserByEmail,
  insertUser,
  setUserDisabled,
  setUserPassword,
  setUserRole,
  toUserRecord,
  type UserRecord,
} from "../store/users.ts";
import { checkPasswordRule, hashPassword, verifyPassword } from "./passwords.ts";
import { createSession, endUserSessions, type SessionPolicy } from "./sessions.ts";

export interface NewUser {
  email: string;
  password: string;
  role: "admin" | "editor" | "viewer";
}

/** Creates a user after checking the password rule; the one way users come to be. */
export async function createUser(db: Db, input: NewUser, passwordHash?: string) {
  const fault = checkPasswordRule(input.password);
  if (fault) throw new ValidationError([{ path: "password", message: fault }]);
  const email = input.email.trim().toLowerCase();
  if (await getUserByEmail(db, email))
    throw new ConflictError(`a user with email ${email} already exists`);
  return insertUser(db, {
    email,
    passwordHash: passwordHash ?? (await hashPassword(input.password)),
    role: input.role,
  });
}

/** What an admin may change about a user; what is left out stays as it is. */
export interface UserChange {
  role?: Role | undefined;
  disabled?: boolean | undefined;
}

/** A user before and after a change, for the caller to audit and to end what must end. */
export interface UserChanged {
  before: UserRecord;
  after: UserRecord;
}

/**
 * Changes a user's role or disabled state; disabling ends their sessions. The last enabled
 * admin can be neither demoted nor disabled: no one would be left to manage the instance.
 */
export async function updateUser(db: Db, email: string, change: UserChange): Promise<UserChanged> {
  // Count and change in one write transaction, so two admins cannot demote each other.
  return inWriteTransaction(db, (tx) => updateIn(tx, email, change));
}

/** Disables a user and ends their sessions (see updateUser); returns their id. */
export async function disableUser(db: Db, email: string): Promise<string> {
  return (await updateUser(db, email, { disabled: true })).after.id;
}

async function updateIn(db: Db, email: string, change: UserChange): Promise<UserChanged> {
  const row = await getUserByEmail(db, email.trim().toLowerCase());
  if (!row) throw new NotFoundError("user", email);
  const before = toUserRecord(row);
  const after = {
    ...before,
    role: change.role ?? before.role,
    disabled: change.disabled ?? before.disabled,
  };
  if (isActiveAdmin(before) && !isActiveAdmin(after)) await requireAnotherAdmin(db, before, after);

  if (after.role !== before.role) await setUserRole(db, before.id, after.role);
  if (after.disabled !== before.disabled) await setUserDisabled(db, before.email, after.disabled);
  if (after.disabled && !before.disabled) await endUserSessions(db, before.id);
  return { before, after };
}

const isActiveAdmin = (user: UserRecord) => user.role === "admin" && !user.disabled;

async function requireAnotherAdmin(db: Db, before: UserRecord, after: UserRecord) {
  const admins = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("role", "=", "admin")
    .where("disabled_at", "is", null)
    .executeTakeFirstOrThrow();
  if (Number(admins.n) > 1) return;
  const what = after.disabled ? "" : ` and cannot become ${after.role}`;
  throw new ConflictError(
    `${before.email} is the last enabled admin${what}: make another admin first`,
  );
}

/**
 * Changes a user's password after checking the current one, ends all of their sessions, and
 * returns the id of a fresh session for the caller.
 */
export async function changePassword(
  db: Db,
  email: string,
  passwords: { currentPassword: string; newPassword: string },
  policy: SessionPolicy,
): Promise<string> {
  const user = await getUserByEmail(db, email);
  if (!user || user.disabled_at !== null) throw new NotFoundError("user", email);
  if (!(await verifyPassword(passwords.currentPassword, user.password_hash)))
    throw new WeftError("forbidden", "currentPassword is wrong");

  const fault =
    passwords.newPassword.normalize("NFKC") === passwords.currentPassword.normalize("NFKC")
      ? "must differ from currentPassword"
      : checkPasswordRule(passwords.newPassword);
  if (fault) throw new ValidationError([{ path: "newPassword", message: fault }]);

  const passwordHash = await hashPassword(passwords.newPassword);
  return inWriteTransaction(db, async (tx) => {
    await setUserPassword(tx, user.id, passwordHash);
    await endUserSessions(tx, user.id);
    return createSession(tx, user.id, policy);
  });
}
