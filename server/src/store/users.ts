import type { Db } from "./database.ts";
import { newId } from "./ids.ts";
import type { Role } from "./schema.ts";

/** Users, sessions and API tokens. Secrets arrive hashed; nothing here sees a raw token. */

export interface UserRecord {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

/** A users row as the API shows it: no password hash. */
export function toUserRecord(row: {
  id: string;
  email: string;
  role: Role;
  disabled_at: number | null;
  created_at: number;
}): UserRecord {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    disabled: row.disabled_at !== null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertUser(
  db: Db,
  user: { email: string; passwordHash: string; role: Role },
): Promise<UserRecord> {
  const now = Date.now();
  const row = {
    id: newId(now),
    email: user.email,
    password_hash: user.passwordHash,
    role: user.role,
    disabled_at: null,
    created_at: now,
  };
  await db.insertInto("users").values(row).execute();
  return toUserRecord(row);
}

export async function getUserByEmail(db: Db, email: string) {
  return db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();
}

export async function listUsers(db: Db): Promise<UserRecord[]> {
  return (await db.selectFrom("users").selectAll().orderBy("email").execute()).map(toUserRecord);
}

export async function setUserDisabled(db: Db, email: string, disabled: boolean): Promise<boolean> {
  const result = await db
    .updateTable("users")
    .set({ disabled_at: disabled ? Date.now() : null })
    .where("email", "=", email)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function setUserRole(db: Db, userId: string, role: Role): Promise<void> {
  await db.updateTable("users").set({ role }).where("id", "=", userId).execute();
}

export async function setUserPassword(db: Db, userId: string, passwordHash: string) {
  await db
    .updateTable("users")
    .set({ password_hash: passwordHash })
    .where("id", "=", userId)
    .execute();
}

export async function insertSession(
  db: Db,
  session: { idHash: string; userId: string; expiresAt: number; now: number },
) {
  await db
    .insertInto("sessions")
    .values({
      id_hash: session.idHash,
      user_id: session.userId,
      expires_at: session.expiresAt,
      created_at: session.now,
      last_seen_at: session.now,
    })
    .execute();
}

export async function deleteSession(db: Db, idHash: string) {
  await db.deleteFrom("sessions").where("id_hash", "=", idHash).execute();
}

/** Ends every session of a user; returns how many there were. */
export async function deleteUserSessions(db: Db, userId: string): Promise<number> {
  const result = await db.deleteFrom("sessions").where("user_id", "=", userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes sessions past their end or unused since `idleSince`; returns how many. */
export async function deleteEndedSessions(db: Db, now: number, idleSince: number) {
  const result = await db
    .deleteFrom("sessions")
    .where((eb) =>
      eb.or([
        eb("expires_at", "<=", now),
        eb(eb.fn.coalesce("last_seen_at", "created_at"), "<=", idleSince),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A session with its user, ended or not: the caller judges the times. */
export async function getSession(db: Db, idHash: string) {
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select([
      "sessions.expires_at",
      "sessions.created_at as session_created_at",
      "sessions.last_seen_at",
      "users.id",
      "users.email",
      "users.role",
      "users.disabled_at",
      "users.created_at",
    ])
    .where("sessions.id_hash", "=", idHash)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    user: toUserRecord(row),
    expiresAt: row.expires_at,
    lastSeenAt: row.last_seen_at ?? row.session_created_at,
  };
}

export async function touchSession(db: Db, idHash: string, now: number) {
  await db
    .updateTable("sessions")
    .set({ last_seen_at: now })
    .where("id_hash", "=", idHash)
    .execute();
}

export interface TokenRecord {
  id: string;
  name: string;
  expiresAt: string | null;
  revoked: boolean;
  lastUsedAt: string | null;
  createdAt: string;
}

export async function insertToken(
  db: Db,
  token: { userId: string; name: string; hash: string; expiresAt: number | null },
) {
  const now = Date.now();
  const id = newId(now);
  await db
    .insertInto("api_tokens")
    .values({
      id,
      user_id: token.userId,
      name: token.name,
      token_hash: token.hash,
      expires_at: token.expiresAt,
      revoked_at: null,
      last_used_at: null,
      created_at: now,
    })
    .execute();
  return id;
}

/** The enabled user behind a token that is neither revoked nor expired. */
export async function getTokenUser(db: Db, hash: string, now: number) {
  const row = await db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .select([
      "api_tokens.id as token_id",
      "api_tokens.expires_at",
      "api_tokens.revoked_at",
      "users.id",
      "users.email",
      "users.role",
      "users.disabled_at",
      "users.created_at",
    ])
    .where("api_tokens.token_hash", "=", hash)
    .executeTakeFirst();
  if (!row || row.revoked_at !== null || row.disabled_at !== null) return undefined;
  if (row.expires_at !== null && row.expires_at <= now) return undefined;
  return { user: toUserRecord(row), tokenId: row.token_id, expiresAt: row.expires_at };
}

/** SQLite caps the variables in one statement; batched look-ups stay well under it. */
const BATCH = 500;

/** Of these token ids, those still usable at `now`: not revoked, not expired, user enabled. */
export async function liveTokenIds(db: Db, ids: readonly string[], now: number) {
  const live = new Set<string>();
  for (let i = 0; i < ids.length; i += BATCH) {
    const rows = await db
      .selectFrom("api_tokens")
      .innerJoin("users", "users.id", "api_tokens.user_id")
      .select("api_tokens.id")
      .where("api_tokens.id", "in", ids.slice(i, i + BATCH))
      .where("api_tokens.revoked_at", "is", null)
      .where((eb) =>
        eb.or([eb("api_tokens.expires_at", "is", null), eb("api_tokens.expires_at", ">", now)]),
      )
      .where("users.disabled_at", "is", null)
      .execute();
    for (const row of rows) live.add(row.id);
  }
  return live;
}

/**
 * Of these session id hashes, those still live at `now`: not past their end, used since
 * `idleSince`, user enabled. Nothing is touched: a live feed is not use of the session.
 */
export async function liveSessionHashes(
  db: Db,
  idHashes: readonly string[],
  now: number,
  idleSince: number,
) {
  const live = new Set<string>();
  for (let i = 0; i < idHashes.length; i += BATCH) {
    const rows = await db
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .select("sessions.id_hash")
      .where("sessions.id_hash", "in", idHashes.slice(i, i + BATCH))
      .where("sessions.expires_at", ">", now)
      .where((eb) => eb.fn.coalesce("sessions.last_seen_at", "sessions.created_at"), ">", idleSince)
      .where("users.disabled_at", "is", null)
      .execute();
    for (const row of rows) live.add(row.id_hash);
  }
  return live;
}

export async function touchToken(db: Db, tokenId: string, now: number) {
  await db.updateTable("api_tokens").set({ last_used_at: now }).where("id", "=", tokenId).execute();
}

export async function listTokens(db: Db, userId: string): Promise<TokenRecord[]> {
  const rows = await db
    .selectFrom("api_tokens")
    .selectAll()
    .where("user_id", "=", userId)
    .orderBy("id", "desc")
    .execute();
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    expiresAt: iso(r.expires_at),
    revoked: r.revoked_at !== null,
    lastUsedAt: iso(r.last_used_at),
    createdAt: new Date(r.created_at).toISOString(),
  }));
}

export async function revokeToken(db: Db, userId: string, tokenId: string): Promise<boolean> {
  const result = await db
    .updateTable("api_tokens")
    .set({ revoked_at: Date.now() })
    .where("id", "=", tokenId)
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
