import { mkdirSync } from "node:fs";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, type SqliteDatabase, SqliteDialect, type SqliteStatement } from "kysely";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;

/** An open store: the Kysely handle and the way to close it. */
export interface Store {
  db: Db;
  close(): Promise<void>;
}

export interface SqliteOptions {
  dataDir: string;
  /** File name inside dataDir; `:memory:` is refused, the store must survive restarts. */
  fileName?: string;
  busyTimeoutMs?: number;
}

/**
 * Opens the SQLite store in WAL mode. `synchronous = NORMAL` keeps every committed
 * transaction through a process crash; only a power loss can take the last few.
 */
export function openSqliteStore(options: SqliteOptions): Store {
  mkdirSync(options.dataDir, { recursive: true });
  const location = join(options.dataDir, options.fileName ?? "weft.db");
  const database = new SQLite(location);
  database.pragma("journal_mode = WAL");
  database.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");

  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: cacheStatements(database) }),
  });
  return { db, close: () => db.destroy() };
}

/**
 * Kysely prepares every query anew; the engine runs the same few statements thousands of
 * times a second, so prepared statements are kept by their SQL text.
 */
function cacheStatements(database: SQLite.Database, limit = 1000): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql);
      if (!statement) {
        statement = database.prepare(sql) as unknown as SqliteStatement;
        if (statements.size >= limit) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
