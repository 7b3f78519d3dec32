import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Config } from "../../config/config.ts";
import { loadSecretKeys, type SecretKeyring } from "../../secrets/secret-keys.ts";
import { type SecretAuthor, SecretStore } from "../../secrets/secret-store.ts";
import { fileFault } from "../../store/backup.ts";
import { openSqliteStore } from "../../store/database.ts";
import { migrateToLatest } from "../../store/migrate.ts";
import type { CliValues } from "../main.ts";
import { print, printError, UsageError } from "../output.ts";

const USAGE =
  "usage: weft secret set NAME [--description D] [--value-file PATH] " +
  "| list | delete NAME | rotate-key";
/** The CLI acts for whoever can read the data folder: the audit log knows no user. */
const CLI: SecretAuthor = { label: "cli" };

/** `weft secret set|list|delete|rotate-key`. Values are read from stdin or a file, never argv. */
export async function runSecret(
  config: Config,
  sub: string | undefined,
  args: string[],
  values: CliValues,
): Promise<number> {
  const name = args[0];
  if (sub === "set" || sub === "delete") {
    if (!name || args.length > 1) throw new UsageError(USAGE);
  } else if ((sub !== "list" && sub !== "rotate-key") || args.length > 0) {
    throw new UsageError(USAGE);
  }
  // Read before the store opens, so a refused value leaves no trace, not even a key file.
  const value = sub === "set" ? await readValue(values["value-file"]) : undefined;

  return withSecrets(config, async (secrets, keys) => {
    if (sub === "set") {
      const saved = await secrets.set(name!, value!, CLI, values.description);
      print(`${saved.created ? "created" : "updated"} secret ${name}`);
    } else if (sub === "delete") {
      await secrets.delete(name!, CLI);
      print(`deleted secret ${name}`);
    } else if (sub === "list") {
      for (const s of await secrets.list())
        print([s.name, s.updatedAt, s.updatedBy ?? "", s.description].join("\t"));
    } else {
      const { reencrypted, total } = await secrets.rotateKey(CLI);
      const under = `${keys.currentSource} (key ${keys.current.id})`;
      print(`re-encrypted ${reencrypted} of ${total} secrets under ${under}`);
    }
    return 0;
  });
}

async function withSecrets<T>(
  config: Config,
  fn: (secrets: SecretStore, keys: SecretKeyring) => Promise<T>,
): Promise<T> {
  const keys = loadSecretKeys(config);
  if (keys.generated) {
    printError(
      `generated a development key in ${keys.devKeyFile}: production needs WEFT_SECRET_KEY`,
    );
  }
  const store = openSqliteStore({ dataDir: config.dataDir });
  try {
    await migrateToLatest(store.db);
    return await fn(await SecretStore.open(store.db, keys), keys);
  } finally {
    await store.close();
  }
}

/** The value from `--value-file` or stdin, less one trailing newline; empty is refused. */
async function readValue(file: string | undefined): Promise<string> {
  let text: string;
  if (file !== undefined) {
    // Named absolute, since a wrapper script may run weft from another folder than the caller.
    const path = resolve(file);
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      const what = `cannot read --value-file ${path}`;
      const fault = fileFault(what, error);
      throw new UsageError(
        fault === error ? `${what}: ${(error as Error).message}` : (fault as Error).message,
      );
    }
  } else {
    if (process.stdin.isTTY)
      printError("reading the value from stdin: type it, then Enter, Ctrl-D");
    text = await readStdin();
  }
  const value = text.replace(/\r?\n$/, "");
  if (value.length === 0) {
    const from = file === undefined ? "stdin" : file;
    const how = 'pipe it in, as in `printf %s "$TOKEN" | weft secret set NAME`';
    throw new UsageError(`the value from ${from} is empty: ${how}, or pass --value-file PATH`);
  }
  return value;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
