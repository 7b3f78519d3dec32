import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStore, type Store } from "../../src/store/database.ts";
import { createGroupCommitter } from "../../src/store/group-commit.ts";
import { migrateToLatest } from "../../src/store/migrate.ts";

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "weft-group-"));
  store = openSqliteStore({ dataDir: dir });
  await migrateToLatest(store.db);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const user = (email: string) => ({
  id: email,
  email,
  password_hash: "x",
  role: "viewer" as const,
  disabled_at: null,
  created_at: 0,
});

describe("createGroupCommitter", () => {
  it("commits the changes asked for in one turn together, and undoes only a failing one", async () => {
    const committer = createGroupCommitter(store.db);
    const results = await Promise.allSettled([
      committer.run((tx) => tx.insertInto("users").values(user("a@x.test")).execute()),
      committer.run(async (tx) => {
        await tx.insertInto("users").values(user("b@x.test")).execute();
        throw new Error("b changed its mind");
      }),
      committer.run((tx) => tx.insertInto("users").values(user("c@x.test")).execute()),
      committer.run((tx) => tx.insertInto("users").values(user("a@x.test")).execute()),
    ]);

    expect(results.map((r) => r.status)).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
      "rejected",
    ]);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe("b changed its mind");
    const emails = await store.db.selectFrom("users").select("email").orderBy("email").execute();
    expect(emails.map((e) => e.email)).toEqual(["a@x.test", "c@x.test"]);
  });

  it("resolves a change only after it is committed and readable", async () => {
    const committer = createGroupCommitter(store.db);
    await committer.run((tx) => tx.insertInto("users").values(user("d@x.test")).execute());
    const row = await store.db.selectFrom("users").select("email").executeTakeFirst();
    expect(row?.email).toBe("d@x.test");
  });

  it("keeps going after a batch, for changes asked for while one was committing", async () => {
    const committer = createGroupCommitter(store.db, 2);
    const emails = Array.from({ length: 7 }, (_, i) => `u${i}@x.test`);
    await Promise.all(
      emails.map((e) => committer.run((tx) => tx.insertInto("users").values(user(e)).execute())),
    );
    const rows = await store.db.selectFrom("users").select("email").execute();
    expect(rows).toHaveLength(7);
  });
});
