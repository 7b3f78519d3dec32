import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { recordAudit } from "../../audit/audit-log.ts";
import { ROLES } from "../../auth/roles.ts";
import { generateToken, hashToken } from "../../auth/tokens.ts";
import { createUser, disableUser } from "../../auth/users.ts";
import type { Config } from "../../config/config.ts";
import { createCoreStepRegistry } from "../../engine/steps/index.ts";
import { saveWorkflow } from "../../engine/workflow-service.ts";
import { openSqliteStore, type Store } from "../../store/database.ts";
import { migrateToLatest } from "../../store/migrate.ts";
import type { Role } from "../../store/schema.ts";
import { getUserByEmail, insertToken, listUsers } from "../../store/users.ts";
import type { CliValues } from "../main.ts";
import { print, UsageError } from "../output.ts";

/** Opens and migrates the store, runs `fn`, and closes it whatever happens. */
async function withStore<T>(config: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = openSqliteStore({ dataDir: config.dataDir });
  try {
    await migrateToLatest(store.db);
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Who the audit log names for what the CLI does: whoever can open the store's files. */
const CLI_ACTOR = { email: "cli" };

function required(values: CliValues, name: "email" | "password" | "role" | "file"): string {
  const value = values[name];
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

/** `weft migrate`. */
export async function runMigrate(config: Config): Promise<number> {
  const store = openSqliteStore({ dataDir: config.dataDir });
  try {
    const applied = await migrateToLatest(store.db);
    print(applied.length === 0 ? "the store is up to date" : `applied ${applied.join(", ")}`);
    return 0;
  } finally {
    await store.close();
  }
}

/** `weft user create|list|disable`. */
export async function runUser(
  config: Config,
  sub: string | undefined,
  values: CliValues,
): Promise<number> {
  return withStore(config, async ({ db }) => {
    if (sub === "create") {
      const role = required(values, "role");
      if (!ROLES.includes(role as Role))
        throw new UsageError(`--role must be one of ${ROLES.join(", ")}, not "${role}"`);
      const user = await createUser(db, {
        email: required(values, "email"),
        password: required(values, "password"),
        role: role as Role,
      });
      await recordAudit(db, {
        actor: CLI_ACTOR,
        action: "user.create",
        target: { type: "user", id: user.email },
        details: { role: user.role },
      });
      print(`created ${user.role} ${user.email}`);
      return 0;
    }
    if (sub === "list") {
      for (const user of await listUsers(db))
        print(`${user.email}\t${user.role}${user.disabled ? "\tdisabled" : ""}`);
      return 0;
    }
    if (sub === "disable") {
      const email = required(values, "email").toLowerCase();
      await disableUser(db, email);
      await recordAudit(db, {
        actor: CLI_ACTOR,
        action: "user.disable",
        target: { type: "user", id: email.trim() },
      });
      print(`disabled ${email}`);
      return 0;
    }
    throw new UsageError("usage: weft user create|list|disable");
  });
}

/** `weft token create --email E [--name N]`: prints only the token, for scripts. */
export async function runToken(
  config: Config,
  sub: string | undefined,
  values: CliValues,
): Promise<number> {
  if (sub !== "create")
    throw new UsageError("usage: weft token create --email E [--name N] [--expires-days D]");
  const days = values["expires-days"] === undefined ? undefined : Number(values["expires-days"]);
  if (days !== undefined && (!Number.isInteger(days) || days < 1))
    throw new UsageError("--expires-days must be a whole number of days, 1 or more");
  return withStore(config, async ({ db }) => {
    const email = required(values, "email").toLowerCase();
    const user = await getUserByEmail(db, email);
    if (!user) throw new UsageError(`no user has email ${email}`);
    if (user.disabled_at !== null)
      throw new UsageError(`${email} is disabled: its tokens would not work`);
    const token = generateToken("weft");
    const expiresAt = days === undefined ? null : Date.now() + days * 86_400_000;
    const name = values.name ?? "cli";
    const id = await insertToken(db, { userId: user.id, name, hash: hashToken(token), expiresAt });
    await recordAudit(db, {
      actor: CLI_ACTOR,
      action: "token.create",
      target: { type: "token", id },
      details: {
        name,
        user: user.email,
        expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
      },
    });
    print(token);
    return 0;
  });
}

/** `weft workflow apply -f FILE`. */
export async function runWorkflow(
  config: Config,
  sub: string | undefined,
  values: CliValues,
): Promise<number> {
  if (sub !== "apply") throw new UsageError("usage: weft workflow apply -f FILE");
  const file = required(values, "file");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const format = extname(file).toLowerCase() === ".json" ? "json" : "yaml";
  return withStore(config, async ({ db }) => {
    const saved = await saveWorkflow(db, createCoreStepRegistry(), { text, format });
    print(`${saved.change} ${saved.id} version ${saved.version}`);
    return 0;
  });
}
