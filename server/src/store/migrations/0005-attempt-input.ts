import type { Kysely } from "kysely";

/**
 * Each attempt's input: the step's `with` as the attempt saw it, expressions filled in and
 * secrets masked, so that a run's page shows what a step was really given.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("attempts").addColumn("input", "text").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("attempts").dropColumn("input").execute();
}
