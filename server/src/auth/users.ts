import { ConflictError, NotFoundError, ValidationError, WeftError } from "../errors.ts";
import type { Db } from "../store/database.ts";
import { inWriteTransaction } from "../store/transaction.ts";
import { getUserByEmail, insertUser, setUserDisabled, setUserPassword } from "../store/users.ts";
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

/**
 * Disables a user and ends their sessions; returns their id. The last enabled admin cannot be
 * disabled: no one would be left to manage the instance.
 */
export async function disableUser(db: Db, email: string): Promise<string> {
  // Count and change in one write transaction, so two admins cannot disable each other.
  return inWriteTransaction(db, (tx) => disableIn(tx, email));
}

async function disableIn(db: Db, email: string): Promise<string> {
  const user = await getUserByEmail(db, email.trim().toLowerCase());
  if (!user) throw new NotFoundError("user", email);
  if (user.role === "admin" && user.disabled_at === null) {
    const admins = await db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("role", "=", "admin")
      .where("disabled_at", "is", null)
      .executeTakeFirstOrThrow();
    if (Number(admins.n) <= 1) {
      throw new ConflictError(`${user.email} is the last enabled admin: make another admin first`);
    }
  }
  await setUserDisabled(db, user.email, true);
  await endUserSessions(db, user.id);
  return user.id;
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
