import { sql } from "kysely";
import type { Db } from "./database.ts";

/**
 * Runs `fn` in one SQLite write transaction, taken at once (`BEGIN IMMEDIATE`), so two
 * processes on the same file queue on the busy timeout instead of failing on upgrade.
 */
export async function inWriteTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const result = await fn(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection);
      throw error;
    }
  });
}
