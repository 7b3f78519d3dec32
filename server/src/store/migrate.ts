import { type MigrationResultSet, Migrator } from "kysely/migration";
import type { Db } from "./database.ts";
import * as initial from "./migrations/0001-initial.ts";
import * as stepRunFirstAttempt from "./migrations/0002-step-run-first-attempt.ts";
import * as secretsAndAudit from "./migrations/0003-secrets-and-audit.ts";
import * as dashboardLayouts from "./migrations/0004-dashboard-layouts.ts";
import * as attemptInput from "./migrations/0005-attempt-input.ts";

/** Every migration, in order. A new one is a new file here; a shipped one never changes. */
const MIGRATIONS = {
  "0001-initial": initial,
  "0002-step-run-first-attempt": stepRunFirstAttempt,
  "0003-secrets-and-audit": secretsAndAudit,
  "0004-dashboard-layouts": dashboardLayouts,
  "0005-attempt-input": attemptInput,
};

function migrator(db: Db): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: "weft_migrations",
    migrationLockTableName: "weft_migrations_lock",
  });
}

/** The names of migrations this build knows, oldest first. */
export const KNOWN_MIGRATIONS: readonly string[] = Object.keys(MIGRATIONS);

/** Migrations this build has that the store has not applied yet. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const all = await migrator(db).getMigrations();
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** Applies every pending migration; returns the names applied, or throws with the cause. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const result: MigrationResultSet = await migrator(db).migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName;
    throw new Error(`migration ${failed ?? "(unknown)"} failed`, { cause: result.error });
  }
  return (result.results ?? []).map((r) => r.migrationName);
}
