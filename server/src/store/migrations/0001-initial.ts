import type { Kysely } from "kysely";

/** Workflows, versions, triggers, runs with their step runs, attempts and events, and users. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("workflows")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("tags", "text", (c) => c.notNull())
    .addColumn("current_version", "integer", (c) => c.notNull())
    .addColumn("archived_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("workflow_versions")
    .addColumn("workflow_id", "text", (c) => c.notNull().references("workflows.id"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("definition", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("created_by", "text")
    .addPrimaryKeyConstraint("workflow_versions_pk", ["workflow_id", "version"])
    .execute();

  await db.schema
    .createTable("webhooks")
    .addColumn("workflow_id", "text", (c) => c.notNull().references("workflows.id"))
    .addColumn("trigger_id", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull().unique())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("webhooks_pk", ["workflow_id", "trigger_id"])
    .execute();

  await db.schema
    .createTable("schedules")
    .addColumn("workflow_id", "text", (c) => c.notNull().references("workflows.id"))
    .addColumn("trigger_id", "text", (c) => c.notNull())
    .addColumn("cron", "text", (c) => c.notNull())
    .addColumn("timezone", "text", (c) => c.notNull())
    .addColumn("catch_up", "text", (c) => c.notNull())
    .addColumn("next_fire_at", "bigint")
    .addColumn("last_fired_at", "bigint")
    .addColumn("paused", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("schedules_pk", ["workflow_id", "trigger_id"])
    .execute();
  await db.schema.createIndex("schedules_due").on("schedules").column("next_fire_at").execute();

  await createRunTables(db);
  await createUserTables(db);
}

async function createRunTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("runs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("workflow_id", "text", (c) => c.notNull().references("workflows.id"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("trigger_type", "text", (c) => c.notNull())
    .addColumn("trigger_id", "text")
    .addColumn("trigger", "text", (c) => c.notNull())
    .addColumn("tags", "text", (c) => c.notNull())
    .addColumn("output", "text")
    .addColumn("error", "text")
    .addColumn("dedupe_key", "text", (c) => c.unique())
    .addColumn("deadline_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("started_at", "bigint")
    .addColumn("ended_at", "bigint")
    .execute();
  await db.schema.createIndex("runs_workflow").on("runs").columns(["workflow_id", "id"]).execute();
  await db.schema.createIndex("runs_status").on("runs").columns(["status", "id"]).execute();

  await db.schema
    .createTable("step_runs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("run_id", "text", (c) => c.notNull().references("runs.id"))
    .addColumn("step_id", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("output", "text")
    .addColumn("error", "text")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("lost_attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("wake_at", "bigint")
    .addColumn("started_at", "bigint")
    .addColumn("ended_at", "bigint")
    .addUniqueConstraint("step_runs_run_step", ["run_id", "step_id"])
    .execute();
  await db.schema
    .createIndex("step_runs_wake")
    .on("step_runs")
    .columns(["status", "wake_at"])
    .execute();

  await db.schema
    .createTable("attempts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("step_run_id", "text", (c) => c.notNull().references("step_runs.id"))
    .addColumn("run_id", "text", (c) => c.notNull())
    .addColumn("step_id", "text", (c) => c.notNull())
    .addColumn("number", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("available_at", "bigint", (c) => c.notNull())
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", "bigint")
    .addColumn("error", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("started_at", "bigint")
    .addColumn("ended_at", "bigint")
    .addColumn("duration_ms", "integer")
    .execute();
  await db.schema.createIndex("attempts_run").on("attempts").column("run_id").execute();
  await db.schema
    .createIndex("attempts_due")
    .on("attempts")
    .columns(["status", "available_at"])
    .execute();
  await db.schema
    .createIndex("attempts_lease")
    .on("attempts")
    .columns(["status", "lease_until"])
    .execute();

  await db.schema
    .createTable("events")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("run_id", "text", (c) => c.notNull())
    .addColumn("workflow_id", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("step_id", "text")
    .addColumn("attempt", "integer")
    .addColumn("data", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("events_run").on("events").columns(["run_id", "id"]).execute();
}

async function createUserTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("disabled_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("api_tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("expires_at", "bigint")
    .addColumn("revoked_at", "bigint")
    .addColumn("last_used_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
}

/** Drops everything this migration created, newest first. */
export async function down(db: Kysely<unknown>): Promise<void> {
  const tables = [
    "api_tokens",
    "sessions",
    "users",
    "events",
    "attempts",
    "step_runs",
    "runs",
    "schedules",
    "webhooks",
    "workflow_versions",
    "workflows",
  ];
  for (const table of tables) await db.schema.dropTable(table).execute();
}
