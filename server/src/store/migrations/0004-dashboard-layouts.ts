import type { Kysely } from "kysely";

/**
 * Each user's dashboard layout, and the indexes the dashboard's aggregates read without
 * touching the table: runs by creation time with their status (counts per bucket), and each
 * workflow's runs by end time with their start (durations per workflow).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("dashboard_layouts")
    .addColumn("user_id", "text", (c) => c.primaryKey().references("users.id"))
    .addColumn("layout", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createIndex("runs_created_status")
    .on("runs")
    .columns(["created_at", "status"])
    .execute();
  await db.schema
    .createIndex("runs_workflow_ended")
    .on("runs")
    .columns(["workflow_id", "ended_at", "started_at"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("runs_workflow_ended").execute();
  await db.schema.dropIndex("runs_created_status").execute();
  await db.schema.dropTable("dashboard_layouts").execute();
}
