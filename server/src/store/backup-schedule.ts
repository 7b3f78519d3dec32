import { mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { Cron } from "croner";
import type { Logger } from "../observability/logger.ts";
import { type BackupReport, stamp, syncFile } from "./backup.ts";

/** The names scheduled backups take; nothing else in the folder is ever touched. */
const BACKUP_NAME = /^weft-\d{8}T\d{6}Z\.db$/;
/** A backup written but not yet named, or cut short by a crash. */
const STAGED_NAME = /^weft-\d{8}T\d{6}Z\.db\.ready(\.partial-\d+)?$/;

export interface BackupScheduleOptions {
  /** The store file. */
  source: string;
  dir: string;
  /** Cron expression, read in UTC. */
  cron: string;
  keep: number;
  logger: Logger;
}

/**
 * Writes `weft-<UTC time>.db` into `dir` on a cron schedule and keeps the newest `keep` of
 * them. A backup still running when the next one is due makes that one skip.
 */
export class BackupSchedule {
  readonly #o: BackupScheduleOptions;
  #cron: Cron | undefined;
  #running: Promise<void> | undefined;

  constructor(options: BackupScheduleOptions) {
    this.#o = options;
  }

  start(): void {
    this.#cron = new Cron(this.#o.cron, { timezone: "UTC" }, () => {
      if (this.#running) {
        this.#o.logger.warn({ dir: this.#o.dir }, "backup skipped: the last one is still running");
        return;
      }
      this.#running = this.runOnce().finally(() => {
        this.#running = undefined;
      });
    });
  }

  /** Stops the schedule and waits for a backup under way. */
  async stop(): Promise<void> {
    this.#cron?.stop();
    this.#cron = undefined;
    await this.#running;
  }

  /**
   * Writes one backup now; logs the outcome, never throws. The checked copy makes room for
   * itself before it takes its name, so the folder never holds more than `keep` backups.
   */
  async runOnce(now = new Date()): Promise<void> {
    const { dir, logger } = this.#o;
    const target = join(dir, `weft-${stamp(now)}.db`);
    try {
      mkdirSync(dir, { recursive: true });
      this.#removeStaged();
      const report = await backupInWorker(this.#o.source, `${target}.ready`);
      this.#dropOldest(this.#o.keep - 1);
      renameSync(report.file, target);
      syncFile(dir);
      logger.info(
        { file: target, bytes: report.bytes, durationMs: report.durationMs },
        "backup written",
      );
    } catch (err) {
      logger.error({ err, file: target }, "backup failed");
    }
  }

  /** Deletes the oldest scheduled backups until `room` are left. */
  #dropOldest(room: number): void {
    const names = readdirSync(this.#o.dir)
      .filter((name) => BACKUP_NAME.test(name))
      .sort();
    for (const name of names.slice(0, Math.max(0, names.length - room))) {
      rmSync(join(this.#o.dir, name), { force: true });
      this.#o.logger.info({ file: join(this.#o.dir, name) }, "old backup deleted");
    }
  }

  /** What a crash left half done. Only one process runs the schedule, so none is in use. */
  #removeStaged(): void {
    for (const name of readdirSync(this.#o.dir)) {
      if (STAGED_NAME.test(name)) rmSync(join(this.#o.dir, name), { force: true });
    }
  }
}

function backupInWorker(source: string, target: string): Promise<BackupReport> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./backup-worker.ts", import.meta.url), {
      workerData: { source, target },
    });
    let report: BackupReport | undefined;
    worker.once("message", (message: BackupReport) => {
      report = message;
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (report) resolve(report);
      else reject(new Error(`the backup worker exited with code ${code} and no report`));
    });
  });
}
