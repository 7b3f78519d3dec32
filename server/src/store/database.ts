import { mkdirSync } from "node:fs";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, type SqliteDatabase, SqliteDialect, type SqliteStatement } from "kysely";
import type { Logger } from "../observability/logger.ts";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;

/** An open store: the Kysely handle and the way to close it. */
export interface Store {
  db: Db;
  /** The SQLite file, for backups. */
  file: string;
  /**
   * The connection under `db`. Use it only inside `db.connection().execute(…)`, which keeps
   * Kysely's transactions off it meanwhile, and only for what Kysely cannot do.
   */
  sqlite: SQLite.Database;
  close(): Promise<void>;
}

export interface SqliteOptions {
  dataDir: string;
  /** File name inside dataDir; `:memory:` is refused, the store must survive restarts. */
  fileName?: string;
  busyTimeoutMs?: number;
  /** Told when an older store is converted to incremental auto-vacuum. */
  logger?: Logger;
}

/**
 * Opens the SQLite store in WAL mode. `synchronous = NORMAL` keeps every committed
 * transaction through a process crash; only a power loss can take the last few.
 */
export function openSqliteStore(options: SqliteOptions): Store {
  mkdirSync(options.dataDir, { recursive: true });
  const location = join(options.dataDir, options.fileName ?? "weft.db");
  const database = new SQLite(location);
  database.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  useIncrementalVacuum(database, location, options.logger);
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");

  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: cacheStatements(database) }),
  });
  return { db, file: location, sqlite: database, close: () => db.destroy() };
}

/**
 * Pruning old runs must give the file's pages back, which needs `auto_vacuum = INCREMENTAL`.
 * A new file takes it before its first table; an older store is rewritten once by VACUUM.
 * A store another process holds open cannot be rewritten: it is left as it is until a later
 * open, since the store works the same without it.
 */
function useIncrementalVacuum(database: SQLite.Database, file: string, logger?: Logger): void {
  if (database.pragma("auto_vacuum", { simple: true }) !== 0) return;
  // Asked before the pragma below, which itself writes page 1 of an empty file.
  const tables = database.prepare("select count(*) from sqlite_master").pluck().get() as number;
  database.pragma("auto_vacuum = INCREMENTAL");
  if (tables === 0) return;

  const started = Date.now();
  try {
    database.exec("VACUUM");
    logger?.info({ file, durationMs: Date.now() - started }, "store converted to auto-vacuum");
  } catch (err) {
    logger?.warn({ err, file }, "store not converted to auto-vacuum: the next open tries again");
  }
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
