import type { Config } from "../config/config.ts";
import type { Logger } from "../observability/logger.ts";
import { BackupSchedule } from "./backup-schedule.ts";
import type { Store } from "./database.ts";
import { Pruner } from "./retention.ts";

/** The store's upkeep: scheduled backups and run and audit retention, each when configured. */
export interface StoreUpkeep {
  start(): void;
  stop(): Promise<void>;
}

/** Builds what the configuration asks for; both run only where the scheduler role runs. */
export function createStoreUpkeep(config: Config, store: Store, logger: Logger): StoreUpkeep {
  const { schedule, dir, keep } = config.backups;
  const backups = schedule
    ? new BackupSchedule({ source: store.file, dir, cron: schedule, keep, logger })
    : undefined;
  const { runRetentionMs, auditRetentionMs } = config;
  const pruner =
    runRetentionMs === undefined && auditRetentionMs === undefined
      ? undefined
      : new Pruner({
          store,
          runRetentionMs,
          auditRetentionMs,
          intervalMs: config.pruneIntervalMs,
          logger,
        });
  return {
    start() {
      backups?.start();
      pruner?.start();
    },
    async stop() {
      await Promise.all([backups?.stop(), pruner?.stop()]);
    },
  };
}
