import { lastSignIns } from "../audit/audit-log.ts";
import type { Db } from "../store/database.ts";
import { listUsers, type UserRecord } from "../store/users.ts";
import type { SignInLockout } from "./rate-limit/sign-in-lockout.ts";

/** A user as the admins' list shows them: the record, a sign-in lock, the last sign-in. */
export interface UserOverview extends UserRecord {
  /** When a lock after failed sign-ins ends; null when the email is not locked. */
  lockedUntil: string | null;
  /** The last successful sign-in the audit log holds; null when it holds none. */
  lastSignInAt: string | null;
}

/** Every user, by email, with what the store and the lockout know of their sign-ins. */
export async function listUserOverviews(db: Db, lockout: SignInLockout): Promise<UserOverview[]> {
  const [users, signIns] = await Promise.all([listUsers(db), lastSignIns(db)]);
  return Promise.all(
    users.map(async (user) => {
      const lockedUntil = await lockout.lockedUntil(user.email);
      const lastSignIn = signIns.get(user.email);
      return {
        ...user,
        lockedUntil: lockedUntil === undefined ? null : new Date(lockedUntil).toISOString(),
        lastSignInAt: lastSignIn === undefined ? null : new Date(lastSignIn).toISOString(),
      };
    }),
  );
}
