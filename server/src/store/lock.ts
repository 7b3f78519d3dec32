import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { WeftError } from "../errors.ts";

export const LOCK_FILE = "weft.lock";

/** A data folder held by this process until `release()`. */
export interface DataDirLock {
  path: string;
  /** Removes the lock file if it is still this process's; safe to call more than once. */
  release(): void;
}

/** The data folder is held by another live process. */
export class DataDirLockedError extends WeftError {
  readonly pid: number;

  constructor(path: string, pid: number) {
    super(
      "conflict",
      `the data folder is in use by weft (pid ${pid}, lock ${path}): stop that process first; ` +
        "if no weft runs there any more, delete the lock file",
    );
    this.name = "DataDirLockedError";
    this.pid = pid;
  }
}

/**
 * Takes `<dataDir>/weft.lock`, created exclusively with this pid inside, so that one process
 * at a time serves or restores a store. A lock left by a process that is gone is taken over,
 * and `onStale` is told its pid.
 */
export function acquireDataDirLock(
  dataDir: string,
  onStale: (stalePid: number | undefined) => void = () => {},
): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const mine = `${process.pid}\n`;

  // Three tries: another process may take over the same stale lock between our steps.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (createExclusive(path, mine)) return { path, release: () => releaseLock(path, mine) };
    const held = readLock(path);
    if (held === undefined) continue;
    const pid = parsePid(held);
    if (pid !== undefined && isAlive(pid)) throw new DataDirLockedError(path, pid);
    // Read again just before removing it, so that a lock freshly taken by another is kept.
    if (readLock(path) !== held) continue;
    rmSync(path, { force: true });
    onStale(pid);
  }
  throw new WeftError(
    "conflict",
    `could not take the lock ${path}: other processes keep taking it`,
  );
}

/** The pid of the live process holding the data folder, or undefined when none does. */
export function getLockHolder(dataDir: string): number | undefined {
  const pid = parsePid(readLock(join(dataDir, LOCK_FILE)) ?? "");
  return pid !== undefined && isAlive(pid) ? pid : undefined;
}

/**
 * Written whole under another name, then linked, which fails if the lock exists: nobody
 * ever reads a lock that is there but still empty.
 */
function createExclusive(path: string, content: string): boolean {
  const draft = `${path}.${process.pid}.draft`;
  writeFileSync(draft, content, { mode: 0o644 });
  try {
    linkSync(draft, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    rmSync(draft, { force: true });
  }
}

function readLock(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function releaseLock(path: string, mine: string): void {
  if (readLock(path) === mine) rmSync(path, { force: true });
}

function parsePid(text: string): number | undefined {
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Whether `pid` is a live process other than this one. Our own pid in a lock we have not
 * taken is a previous life of this process, as a container restarted with pid 1 shows.
 */
function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
