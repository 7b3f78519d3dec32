import type { Db } from "./database.ts";

/** Each user's saved dashboard layout, as JSON text the API has validated. */

export async function getDashboardLayout(db: Db, userId: string) {
  return db
    .selectFrom("dashboard_layouts")
    .select(["layout", "updated_at"])
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

/** Forgets the user's layout, so that the default shows again. */
export async function deleteDashboardLayout(db: Db, userId: string): Promise<void> {
  await db.deleteFrom("dashboard_layouts").where("user_id", "=", userId).execute();
}

/** Saves or replaces the user's layout. */
export async function putDashboardLayout(
  db: Db,
  userId: string,
  layout: string,
  now = Date.now(),
): Promise<void> {
  await db
    .insertInto("dashboard_layouts")
    .values({ user_id: userId, layout, updated_at: now })
    .onConflict((oc) => oc.column("user_id").doUpdateSet({ layout, updated_at: now }))
    .execute();
}
