import { closeSync, existsSync, openSync, readSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { WeftError } from "../errors.ts";
import {
  createPrivateFile,
  fileFault,
  listMigrations,
  removeStoreFiles,
  requireIntact,
  type StoreSummary,
  stamp,
  summarizeStore,
  syncFile,
} from "./backup.ts";
import { acquireDataDirLock } from "./lock.ts";

export interface RestoreOptions {
  /** The backup file. */
  from: string;
  dataDir: string;
  /** The migrations this build knows, oldest first. */
  knownMigrations: readonly string[];
  /** Told when a lock left by a process that is gone is taken over. */
  onStaleLock?: (pid: number | undefined) => void;
  now?: Date;
}

export interface RestoreReport {
  backup: StoreSummary;
  /** The store file now in place. */
  file: string;
  /** Where the store that was there went, if there was one. */
  previous: string | undefined;
  /** Known migrations the backup lacks: applied on the next start. */
  pending: string[];
}

/**
 * Puts a backup in place of the store in `dataDir`, holding the data folder's lock so that
 * no `weft serve` runs meanwhile. The backup is copied in, then checked (integrity, a Weft
 * store, a schema this build knows); only then is the current store moved aside, whole.
 */
export function restoreStore(options: RestoreOptions): RestoreReport {
  const { from, dataDir } = options;
  let lock: ReturnType<typeof acquireDataDirLock>;
  try {
    lock = acquireDataDirLock(dataDir, options.onStaleLock);
  } catch (error) {
    throw fileFault(`cannot restore into ${dataDir}`, error);
  }
  const staged = join(dataDir, `weft.db.restoring-${process.pid}`);
  try {
    requireBackupFile(from);
    removeStoreFiles(staged);
    copyPrivately(from, staged, dataDir);
    const { backup, pending } = checkBackup(staged, from, options.knownMigrations);
    syncFile(staged);

    const file = join(dataDir, "weft.db");
    const previous = moveAside(file, stamp(options.now ?? new Date()));
    renameSync(staged, file);
    syncFile(dataDir);
    return { backup: { ...backup, file: from }, file, previous, pending };
  } finally {
    removeStoreFiles(staged);
    lock.release();
  }
}

/**
 * Copies `from` into a new file only its owner can read. copyFileSync would give the copy
 * the backup's mode, which may let anyone read it until a later chmod.
 */
function copyPrivately(from: string, to: string, dataDir: string): void {
  let input: number;
  try {
    input = openSync(from, "r");
  } catch (error) {
    throw fileFault(`cannot read the backup ${from}`, error);
  }
  try {
    let output: number;
    try {
      createPrivateFile(to);
      output = openSync(to, "r+");
    } catch (error) {
      throw fileFault(`cannot restore into ${dataDir}`, error);
    }
    try {
      const buffer = Buffer.alloc(1 << 20);
      for (let read = readSync(input, buffer); read > 0; read = readSync(input, buffer)) {
        for (let at = 0; at < read; ) at += writeSync(output, buffer, at, read - at);
      }
    } finally {
      closeSync(output);
    }
  } finally {
    closeSync(input);
  }
}

function requireBackupFile(from: string): void {
  if (!existsSync(from)) throw new WeftError("not-found", `no backup at ${from}`);
  // Without its -wal a live store's copy lacks the latest commits, and SQLite cannot tell.
  if (existsSync(`${from}-wal`)) {
    throw new WeftError(
      "validation-failed",
      `${from} has a write-ahead log beside it (${from}-wal): it is a live store, not a ` +
        "backup; make one with weft backup --to FILE",
    );
  }
}

/** Checks the staged copy; `shownAs` names the backup in messages. */
function checkBackup(
  staged: string,
  shownAs: string,
  known: readonly string[],
): { backup: StoreSummary; pending: string[] } {
  const db = new SQLite(staged, { fileMustExist: true });
  try {
    requireIntact(db, shownAs);
    const migrations = listMigrations(db);
    if (migrations.length === 0) {
      throw new WeftError(
        "validation-failed",
        `${shownAs} is not a Weft store: it has no weft_migrations table`,
      );
    }
    const unknown = migrations.filter((name) => !known.includes(name));
    if (unknown.length > 0) {
      throw new WeftError(
        "validation-failed",
        `${shownAs} has a newer schema than this build: it has ${unknown.join(", ")}, and ` +
          `this build knows up to ${known.at(-1)}: restore it with the Weft that made it`,
      );
    }
    const backup = summarizeStore(db, shownAs);
    return { backup, pending: known.filter((name) => !migrations.includes(name)) };
  } finally {
    db.close();
  }
}

/**
 * Moves the store at `file` to `<file>.before-restore-<stamp>`, after folding its WAL into it.
 * A store too damaged to checkpoint is moved with its -wal and -shm beside it, by the same
 * new name, so that SQLite still finds them; none may stay behind for the restored file.
 */
function moveAside(file: string, at: string): string | undefined {
  if (!existsSync(file)) {
    removeStoreFiles(file);
    return undefined;
  }
  try {
    const db = new SQLite(file, { fileMustExist: true });
    try {
      db.pragma("wal_checkpoint(TRUNCATE)");
    } finally {
      db.close();
    }
  } catch {
    // Damaged beyond a checkpoint: moved as it is, below.
  }

  let aside = `${file}.before-restore-${at}`;
  for (let n = 2; existsSync(aside); n += 1) aside = `${file}.before-restore-${at}-${n}`;
  renameSync(file, aside);
  for (const suffix of ["-wal", "-shm", "-journal"]) {
    if (existsSync(`${file}${suffix}`)) renameSync(`${file}${suffix}`, `${aside}${suffix}`);
  }
  return aside;
}
