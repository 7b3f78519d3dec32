import type { Db } from "../store/database.ts";
import {
  deleteEndedSessions,
  deleteSession,
  deleteUserSessions,
  getSession,
  insertSession,
  touchSession,
  type UserRecord,
} from "../store/users.ts";
import { generateToken, hashToken } from "./tokens.ts";

/**
 * Browser sign-ins. A session's id lives only in the cookie; the store keeps its hash. It ends
 * `ttlMs` after sign-in or `idleMs` after its last use, whichever comes first.
 */
export interface SessionPolicy {
  ttlMs: number;
  idleMs: number;
}

/** Use is recorded at most this often per session, so reads stay reads. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Creates a session for `userId` and returns its id, the cookie value. Ended sessions are
 * swept here, where new rows come from, so the table never outgrows its live sessions.
 */
export async function createSession(
  db: Db,
  userId: string,
  policy: SessionPolicy,
  now = Date.now(),
): Promise<string> {
  await deleteEndedSessions(db, now, now - policy.idleMs);
  const id = generateToken("wfs");
  await insertSession(db, {
    idHash: hashToken(id),
    userId,
    expiresAt: now + policy.ttlMs,
    now,
  });
  return id;
}

/**
 * The enabled user behind a live session, or undefined. A session found ended is deleted, and
 * a live one records its use (at most once a minute).
 */
export async function getSessionUser(
  db: Db,
  id: string,
  policy: SessionPolicy,
  now = Date.now(),
): Promise<UserRecord | undefined> {
  const idHash = hashToken(id);
  const session = await getSession(db, idHash);
  if (!session) return undefined;
  if (session.expiresAt <= now || session.lastSeenAt + policy.idleMs <= now) {
    await deleteSession(db, idHash);
    return undefined;
  }
  if (session.user.disabled) return undefined;
  if (now - session.lastSeenAt >= TOUCH_EVERY_MS) await touchSession(db, idHash, now);
  return session.user;
}

/** Ends one session by the id its cookie holds; an unknown id is no error. */
export async function endSession(db: Db, id: string): Promise<void> {
  await deleteSession(db, hashToken(id));
}

/** Ends every session of a user, such as after a password change or when disabling them. */
export async function endUserSessions(db: Db, userId: string): Promise<number> {
  return deleteUserSessions(db, userId);
}
