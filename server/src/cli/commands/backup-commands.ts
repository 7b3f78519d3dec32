import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Config } from "../../config/config.ts";
import { parseDuration } from "../../engine/duration.ts";
import { type StoreSummary, writeBackup } from "../../store/backup.ts";
import { openSqliteStore } from "../../store/database.ts";
import { KNOWN_MIGRATIONS } from "../../store/migrate.ts";
import { restoreStore } from "../../store/restore.ts";
import { pruneAuditLog, pruneRuns } from "../../store/retention.ts";
import type { CliValues } from "../main.ts";
import { print, printError, UsageError } from "../output.ts";

const storeFile = (config: Config) => join(config.dataDir, "weft.db");

/** `weft backup --to FILE [--force]`: a checked copy of the store, taken while it runs. */
export async function runBackup(config: Config, values: CliValues): Promise<number> {
  if (!values.to) throw new UsageError("usage: weft backup --to FILE [--force]");
  const source = storeFile(config);
  const report = await writeBackup(source, resolve(values.to), { overwrite: values.force });
  print(`backed up ${source} to ${report.file}`);
  printSummary(report);
  print(`  integrity  ok`);
  return 0;
}

/** `weft restore --from FILE`: puts a backup in place of a stopped instance's store. */
export async function runRestore(config: Config, values: CliValues): Promise<number> {
  if (!values.from) throw new UsageError("usage: weft restore --from FILE");
  const report = restoreStore({
    from: resolve(values.from),
    dataDir: config.dataDir,
    knownMigrations: KNOWN_MIGRATIONS,
    onStaleLock: (pid) =>
      printError(`warning: took over the lock left by pid ${pid ?? "(unknown)"}, which is gone`),
  });

  print(`restored ${report.backup.file} into ${report.file}`);
  printSummary(report.backup);
  if (report.pending.length > 0)
    print(`  migrated at the next start: ${report.pending.join(", ")}`);
  print(
    report.previous
      ? `the store that was there is now ${report.previous}`
      : "there was no store there before",
  );
  if ((report.backup.rows.secrets ?? 0) > 0)
    print(
      "its secrets open only with the key they were sealed with: the same WEFT_SECRET_KEY, " +
        "or in development the secret.key file of the data folder it came from",
    );
  return 0;
}

/**
 * `weft prune [--older-than 30d]`: one prune now, as `WEFT_RUN_RETENTION` does on a schedule,
 * and of the audit log too when `WEFT_AUDIT_RETENTION` is set.
 */
export async function runPrune(config: Config, values: CliValues): Promise<number> {
  const retentionMs = retentionOf(values["older-than"], config.runRetentionMs);
  const file = storeFile(config);
  if (!existsSync(file)) throw new UsageError(`no store at ${file}: check WEFT_DATA_DIR`);

  const endedBefore = Date.now() - retentionMs;
  const store = openSqliteStore({ dataDir: config.dataDir });
  try {
    // Audit entries first, so that the space they held is returned with the runs'.
    if (config.auditRetentionMs !== undefined) {
      const before = Date.now() - config.auditRetentionMs;
      const entries = await pruneAuditLog(store, { before });
      print(`pruned ${entries} audit entries recorded before ${new Date(before).toISOString()}`);
    }
    const result = await pruneRuns(store, { endedBefore });
    print(
      `pruned ${result.runs} runs ended before ${new Date(endedBefore).toISOString()} ` +
        `(${result.stepRuns} step runs, ${result.attempts} attempts, ${result.events} events); ` +
        `freed ${result.pagesFreed} pages`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

function retentionOf(option: string | undefined, configured: number | undefined): number {
  if (option === undefined) {
    if (configured === undefined)
      throw new UsageError("--older-than is required when WEFT_RUN_RETENTION is not set");
    return configured;
  }
  const ms = parseDuration(option);
  if (ms === undefined || ms <= 0)
    throw new UsageError(`--older-than must be a duration such as 30d or 12h, not "${option}"`);
  return ms;
}

function printSummary(summary: StoreSummary): void {
  print(`  bytes      ${summary.bytes}`);
  print(`  schema     ${summary.migrations.at(-1) ?? "(none)"}`);
  const width = Math.max(...Object.keys(summary.rows).map((name) => name.length));
  print("  rows");
  for (const [table, count] of Object.entries(summary.rows))
    print(`    ${table.padEnd(width)}  ${count}`);
}
