import { ConflictError, ValidationError } from "../errors.ts";
import type { Db } from "../store/database.ts";
import { getUserByEmail, insertUser } from "../store/users.ts";
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
