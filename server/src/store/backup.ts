import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { WeftError } from "../errors.ts";

/** What a store file holds, read from the file itself. */
export interface StoreSummary {
  file: string;
  bytes: number;
  /** Every applied migration, in order; the last is the schema version. */
  migrations: string[];
  /** Rows per table, by table name (the migration bookkeeping tables left out). */
  rows: Record<string, number>;
}

export interface BackupReport extends StoreSummary {
  durationMs: number;
}

/** sqlite3_backup_step copies at most this many pages per call: all of them, at once. */
const ALL_PAGES = 0x7fffffff;

/**
 * Copies the store at `source` into `target` while other processes go on writing to it, then
 * checks the copy. The copy is taken in one step of the online backup API under one read
 * transaction, so it is the store as of one commit: in WAL mode that blocks no writer, and
 * no write can make it start over. It is written under a temporary name, made a single
 * file (rollback journal, no -wal beside it), checked, synced, and only then given its name.
 */
export async function writeBackup(
  source: string,
  target: string,
  options: { overwrite?: boolean } = {},
): Promise<BackupReport> {
  const started = Date.now();
  if (!existsSync(source)) {
    throw new WeftError("not-found", `no store at ${source}: check WEFT_DATA_DIR`);
  }
  if (!options.overwrite && existsSync(target)) {
    throw new WeftError("conflict", `${target} exists: choose another name, or --force`);
  }
  if (!existsSync(dirname(target))) {
    throw new WeftError("not-found", `the folder ${dirname(target)} does not exist`);
  }

  const partial = `${target}.partial-${process.pid}`;
  try {
    try {
      createPrivateFile(partial);
    } catch (error) {
      throw fileFault(`cannot write the backup to ${target}`, error);
    }
    const db = new SQLite(source, { fileMustExist: true });
    try {
      db.pragma("busy_timeout = 5000");
      await db.backup(partial, { progress: () => ALL_PAGES });
    } finally {
      db.close();
    }

    const summary = finishCopy(partial);
    putInPlace(partial, target, options.overwrite ?? false);
    return { ...summary, file: target, durationMs: Date.now() - started };
  } finally {
    removeStoreFiles(partial);
  }
}

/** Makes a fresh copy one self-contained file, checks it and syncs it to disk. */
function finishCopy(file: string): StoreSummary {
  const db = new SQLite(file, { fileMustExist: true });
  try {
    db.pragma("journal_mode = DELETE");
    requireIntact(db, file);
    const summary = summarizeStore(db, file);
    syncFile(file);
    return summary;
  } finally {
    db.close();
  }
}

/** Throws when SQLite's integrity check finds anything wrong, naming the first faults. */
export function requireIntact(db: SQLite.Database, file: string): void {
  let faults: string[];
  try {
    const found = db.pragma("integrity_check") as { integrity_check: string }[];
    faults = found.map((row) => row.integrity_check).filter((fault) => fault !== "ok");
  } catch (error) {
    // A file too damaged to check at all, or not an SQLite file.
    if (!(error instanceof SQLite.SqliteError)) throw error;
    throw new WeftError(
      "validation-failed",
      `${file} failed the integrity check: ${error.message}`,
      {
        cause: error,
      },
    );
  }
  if (faults.length > 0) {
    const shown = faults.slice(0, 3).join("; ");
    const more = faults.length > 3 ? ` (and ${faults.length - 3} more)` : "";
    throw new WeftError("validation-failed", `${file} failed the integrity check: ${shown}${more}`);
  }
}

/** The migrations and row counts of an open store file. */
export function summarizeStore(db: SQLite.Database, file: string): StoreSummary {
  const tables = db
    .prepare(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' " +
        "and name not like 'weft_migrations%' order by name",
    )
    .pluck()
    .all() as string[];
  const rows: Record<string, number> = {};
  for (const table of tables) {
    rows[table] = db.prepare(`select count(*) from "${table}"`).pluck().get() as number;
  }
  return { file, bytes: statSync(file).size, migrations: listMigrations(db), rows };
}

/** The names in weft_migrations in order; an empty list when the table is missing. */
export function listMigrations(db: SQLite.Database): string[] {
  const exists = db
    .prepare("select 1 from sqlite_master where type = 'table' and name = 'weft_migrations'")
    .get();
  if (!exists) return [];
  return db.prepare("select name from weft_migrations order by name").pluck().all() as string[];
}

/** Gives `from` the name `to`: replacing what is there, or failing if anything is. */
function putInPlace(from: string, to: string, overwrite: boolean): void {
  if (overwrite) {
    renameSync(from, to);
  } else {
    // A link fails if `to` appeared since the first check; a rename would replace it.
    try {
      linkSync(from, to);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      throw new WeftError("conflict", `${to} exists: choose another name, or --force`);
    }
    rmSync(from);
  }
  syncFile(dirname(to));
}

/**
 * Creates an empty file only its owner can read, or makes an existing one so. The store holds
 * sealed secrets, password hashes and run data; SQLite gives its journals the same mode.
 */
export function createPrivateFile(file: string): void {
  rmSync(file, { force: true });
  closeSync(openSync(file, "wx", PRIVATE));
  // The mode given to open is narrowed by the umask, never widened; this sets it exactly.
  chmodSync(file, PRIVATE);
}

/** Owner read and write, nothing for anyone else. */
export const PRIVATE = 0o600;

const CAUSES: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "permission denied",
  ENOTDIR: "a part of the path is a file, not a folder",
  ENOENT: "a folder on the path does not exist",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is used up",
  EISDIR: "it is a folder",
};

/** A file-system error as a one-line fault after `what`; others are passed on as they are. */
export function fileFault(what: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const cause = code === undefined ? undefined : CAUSES[code];
  if (cause === undefined) return error;
  return new WeftError("forbidden", `${what}: ${cause}`, { cause: error });
}

/** fsync a file or folder, so that what was written or renamed survives a power loss. */
export function syncFile(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Removes a store file with whatever journal, WAL or shared-memory file is beside it. */
export function removeStoreFiles(file: string): void {
  for (const suffix of ["", "-journal", "-wal", "-shm"]) {
    try {
      rmSync(`${file}${suffix}`, { force: true });
    } catch (error) {
      // Under a path that is not a folder there is nothing to remove.
      if ((error as NodeJS.ErrnoException).code !== "ENOTDIR") throw error;
    }
  }
}

/** A UTC time for file names, sorting as it reads: 20250131T235959Z. */
export function stamp(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}
