import { mkdirSync } from "node:fs";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { Database } from "./schema.ts";

export type Db = Kysely<Database>;

/** An open store: the Kysely handle and the way to close it. */
export interface Store {
  db: Db;
  /** Where the store lives, for messages (a file path). */
  location: string;
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

  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return { db, location, close: () => db.destroy() };
}
