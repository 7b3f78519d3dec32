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

/**
 * Use is recorded at most this often per session, so reads stay reads; a short idle timeout
 * records it more often (a tenth of it), so a session in use never reads as idle.
 */
const TOUCH_EVERY_MS = 60_000;
const touchEvery = (policy: SessionPolicy) => Math.min(TOUCH_EVERY_MS, policy.idleMs / 10);

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
 * a live one records its use (at most once a minute, more often for short idle timeouts).
 */
export async function getSessionUser(
  db: Db,
  id: string,
  policy: SessionPolicy,
  now = Date.now(),
): Promise<UserRecord | undefined> {
  return (await getLiveSession(db, id, policy, now))?.user;
}

/** As getSessionUser, with the session's id hash and end, for what outlives one request. */
export async function getLiveSession(
  db: Db,
  id: string,
  policy: SessionPolicy,
  now = Date.now(),
): Promise<{ user: UserRecord; idHash: string; expiresAt: number } | undefined> {
  const idHash = hashToken(id);
  const session = await getSession(db, idHash);
  if (!session) return undefined;
  if (session.expiresAt <= now || session.lastSeenAt + policy.idleMs <= now) {
    await deleteSession(db, idHash);
    return undefined;
  }
  if (session.user.disabled) return undefined;
  if (now - session.lastSeenAt >= touchEvery(policy)) await touchSession(db, idHash, now);
  return { user: session.user, idHash, expiresAt: session.expiresAt };
}

/** Ends one session by the id its cookie holds; an unknown id is no error. */
export async function endSession(db: Db, id: string): Promise<void> {
  await deleteSession(db, hashToken(id));
}

/** Ends every session of a user, such as after a password change or when disabling them. */
export async function endUserSessions(db: Db, userId: string): Promise<number> {
  return deleteUserSessions(db, userId);
}
