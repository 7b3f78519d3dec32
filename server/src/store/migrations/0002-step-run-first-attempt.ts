import type { Kysely } from "kysely";

/**
 * Where a step run's attempt numbers start since its run last started over: a retried run
 * numbers its steps' attempts on after the earlier ones, and each retry gets a fresh budget.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("step_runs")
    .addColumn("first_attempt", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("step_runs").dropColumn("first_attempt").execute();
}
