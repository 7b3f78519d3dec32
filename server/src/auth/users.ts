import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import type { Db } from "../store/database.ts";
import { inWriteTransaction } from "../store/transaction.ts";
import { getUserByEmail, insertUser, setUserDisabled } from "../store/users.ts";
import { checkPasswordRule, hashPassword } from "./passwords.ts";

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
 * Disables a user and ends their sessions. The last enabled admin cannot be disabled: no one
 * would be left to manage the instance.
 */
export async function disableUser(db: Db, email: string): Promise<void> {
  // Count and change in one write transaction, so two admins cannot disable each other.
  await inWriteTransaction(db, (tx) => disableIn(tx, email));
}

async function disableIn(db: Db, email: string): Promise<void> {
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
}
