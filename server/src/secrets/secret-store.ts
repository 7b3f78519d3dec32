import { type AuditActor, recordAudit } from "../audit/audit-log.ts";
import { ConfigError } from "../config/config.ts";
import { type Issue, NotFoundError, ValidationError, WeftError } from "../errors.ts";
import type { Db } from "../store/database.ts";
import type { SecretTable } from "../store/schema.ts";
import { inWriteTransaction } from "../store/transaction.ts";
import { decryptSecret, encryptSecret, SecretCipherError } from "./secret-cipher.ts";
import { keyOf, type SecretKeyring } from "./secret-keys.ts";
import {
  DESCRIPTION_RULE,
  isSecretName,
  isSecretValue,
  MAX_DESCRIPTION_LENGTH,
  SECRET_NAME_RULE,
  SECRET_VALUE_RULE,
} from "./secret-rules.ts";

/** What may be shown of a secret: everything but its value. */
export interface SecretMetadata {
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
  updatedBy: string | null;
}

/** Who changes a secret: `label` is stored as `updated_by`, the rest goes to the audit log. */
export interface SecretAuthor {
  /** The user's email, or `cli`. */
  label: string;
  actor?: AuditActor;
  ip?: string;
}

/** What the store has seen of the table, to tell cheaply whether another process wrote. */
interface Marker {
  count: number;
  latest: number;
}

/**
 * The instance's secrets, encrypted in the `secrets` table and decrypted in memory. The
 * snapshot is replaced, never mutated, and `version` changes with it; `refresh` notices
 * what another process (the CLI) wrote.
 */
export class SecretStore {
  readonly #db: Db;
  readonly #keys: SecretKeyring;
  #snapshot: Readonly<Record<string, string>> = Object.freeze({});
  #version = 0;
  #marker: Marker = { count: 0, latest: 0 };
  #reloads = 0;
  #applied = 0;
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<unknown> | undefined;

  private constructor(db: Db, keys: SecretKeyring) {
    this.#db = db;
    this.#keys = keys;
  }

  /**
   * Loads and decrypts every secret. Throws a ConfigError naming the secret when one was
   * sealed with a key that is neither WEFT_SECRET_KEY nor WEFT_SECRET_KEY_PREVIOUS.
   */
  static async open(db: Db, keys: SecretKeyring): Promise<SecretStore> {
    const store = new SecretStore(db, keys);
    await store.#reload();
    return store;
  }

  /** The current secrets by name. */
  get snapshot(): Readonly<Record<string, string>> {
    return this.#snapshot;
  }

  /** Changes whenever the snapshot does. */
  get version(): number {
    return this.#version;
  }

  /** Every secret's metadata, by name. */
  async list(): Promise<SecretMetadata[]> {
    const rows = await this.#db.selectFrom("secrets").selectAll().orderBy("name").execute();
    return rows.map(toMetadata);
  }

  /** Creates or replaces a secret; a description left out keeps the one it had. */
  async set(
    name: string,
    value: string,
    author: SecretAuthor,
    description?: string,
  ): Promise<{ created: boolean; secret: SecretMetadata }> {
    requireValid(name, value, description);
    const ciphertext = encryptSecret(this.#keys.current, name, value);
    const row = await inWriteTransaction(this.#db, async (tx) => {
      const existing = await tx
        .selectFrom("secrets")
        .select(["created_at", "description"])
        .where("name", "=", name)
        .executeTakeFirst();
      const now = await nextUpdateTime(tx);
      const next: SecretTable = {
        name,
        ciphertext,
        key_id: this.#keys.current.id,
        description: description ?? existing?.description ?? "",
        created_at: existing?.created_at ?? now,
        updated_at: now,
        updated_by: author.label,
      };
      await tx
        .insertInto("secrets")
        .values(next)
        .onConflict((c) => c.column("name").doUpdateSet(next))
        .execute();
      await audit(tx, author, existing ? "secret.update" : "secret.create", name);
      return { ...next, created: existing === undefined };
    });
    await this.#reload();
    return { created: row.created, secret: toMetadata(row) };
  }

  /** Deletes a secret; throws NotFoundError when there is none of that name. */
  async delete(name: string, author: SecretAuthor): Promise<void> {
    await inWriteTransaction(this.#db, async (tx) => {
      const deleted = await tx.deleteFrom("secrets").where("name", "=", name).executeTakeFirst();
      if (deleted.numDeletedRows === 0n) throw new NotFoundError("secret", name);
      await audit(tx, author, "secret.delete", name);
    });
    await this.#reload();
  }

  /**
   * Re-encrypts, in one transaction, every secret not yet under the current key. Running it
   * again re-encrypts nothing. Values do not change, so neither do `updated_at` and the
   * snapshot.
   */
  async rotateKey(author: SecretAuthor): Promise<{ reencrypted: number; total: number }> {
    const current = this.#keys.current;
    return inWriteTransaction(this.#db, async (tx) => {
      const rows = await tx.selectFrom("secrets").selectAll().orderBy("name").execute();
      const stale = rows.filter((row) => row.key_id !== current.id);
      for (const row of stale) {
        const value = this.#open(row);
        await tx
          .updateTable("secrets")
          .set({ ciphertext: encryptSecret(current, row.name, value), key_id: current.id })
          .where("name", "=", row.name)
          .execute();
        await audit(tx, author, "secret.rotate-key", row.name, {
          fromKeyId: row.key_id,
          toKeyId: current.id,
        });
      }
      return { reencrypted: stale.length, total: rows.length };
    });
  }

  /**
   * Reloads when another process changed the table since the last look; true if it did.
   * Every write raises the newest `updated_at` (see nextUpdateTime), and a delete lowers
   * the count, so comparing the two sees every change.
   */
  async refresh(): Promise<boolean> {
    const marker = await readMarker(this.#db);
    if (marker.count === this.#marker.count && marker.latest === this.#marker.latest) return false;
    try {
      await this.#reload();
    } finally {
      // A secret that cannot be opened is reported once per change, not on every look.
      this.#marker = marker;
    }
    return true;
  }

  /** Refreshes every `intervalMs` until stopRefreshing; `onError` hears what went wrong. */
  startRefreshing(intervalMs: number, onError: (error: unknown) => void): void {
    clearTimeout(this.#timer);
    const tick = () => {
      this.#refreshing = this.refresh()
        .catch(onError)
        .finally(() => {
          if (this.#timer === undefined) return;
          this.#timer = setTimeout(tick, intervalMs);
          this.#timer.unref();
        });
    };
    this.#timer = setTimeout(tick, intervalMs);
    this.#timer.unref();
  }

  /** Stops the refreshes; resolves once one under way has ended, so the store can close. */
  async stopRefreshing(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#refreshing;
  }

  /** Reads and opens every row; a later reload's result always wins over an earlier one. */
  async #reload(): Promise<void> {
    const ticket = ++this.#reloads;
    const rows = await this.#db.selectFrom("secrets").selectAll().orderBy("name").execute();
    const values: Record<string, string> = {};
    for (const row of rows) values[row.name] = this.#open(row);
    if (ticket < this.#applied) return;
    this.#applied = ticket;
    this.#marker = {
      count: rows.length,
      latest: rows.reduce((latest, row) => Math.max(latest, row.updated_at), 0),
    };
    if (!sameEntries(values, this.#snapshot)) {
      this.#snapshot = Object.freeze(values);
      this.#version += 1;
    }
  }

  #open(row: SecretTable): string {
    const key = keyOf(this.#keys, row.key_id);
    if (!key) throw unknownKeyError(row, this.#keys);
    try {
      return decryptSecret(key, row.name, row.ciphertext);
    } catch (error) {
      if (!(error instanceof SecretCipherError)) throw error;
      const fix = `set it again with \`weft secret set ${row.name}\``;
      const message = `secret "${row.name}" cannot be decrypted: ${error.message}; ${fix}`;
      throw new WeftError("internal", message, { cause: error });
    }
  }
}

function requireValid(name: string, value: string, description: string | undefined): void {
  const issues: Issue[] = [];
  if (!isSecretName(name)) issues.push({ path: "name", message: SECRET_NAME_RULE });
  if (!isSecretValue(value)) issues.push({ path: "value", message: SECRET_VALUE_RULE });
  if (description !== undefined && description.length > MAX_DESCRIPTION_LENGTH)
    issues.push({ path: "description", message: DESCRIPTION_RULE });
  if (issues.length > 0) throw new ValidationError(issues);
}

function unknownKeyError(row: SecretTable, keys: SecretKeyring): ConfigError {
  const tried = [`${keys.currentSource} (key ${keys.current.id})`];
  if (keys.previous) tried.push(`WEFT_SECRET_KEY_PREVIOUS (key ${keys.previous.id})`);
  const shown = keys.previous ? "(hidden)" : '""';
  const what = `secret "${row.name}" is encrypted with key ${row.key_id}`;
  const fix = "set WEFT_SECRET_KEY_PREVIOUS to the key it was encrypted with";
  const then = "then run `weft secret rotate-key`";
  return new ConfigError([
    `WEFT_SECRET_KEY_PREVIOUS=${shown}: ${what}, not with ${tried.join(" nor ")}: ${fix}, ${then}`,
  ]);
}

/**
 * Now, or just past the newest `updated_at` when the clock has not moved on (or went back),
 * so that every write raises the newest one and `refresh` can see it.
 */
async function nextUpdateTime(tx: Db): Promise<number> {
  const { latest } = await readMarker(tx);
  return Math.max(Date.now(), latest + 1);
}

async function readMarker(db: Db): Promise<Marker> {
  const row = await db
    .selectFrom("secrets")
    .select((eb) => [eb.fn.countAll<number>().as("count"), eb.fn.max("updated_at").as("latest")])
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), latest: Number(row.latest ?? 0) };
}

function audit(
  tx: Db,
  author: SecretAuthor,
  action: string,
  name: string,
  details?: Record<string, unknown>,
): Promise<void> {
  return recordAudit(tx, {
    actor: author.actor,
    action,
    target: { type: "secret", id: name },
    ip: author.ip,
    details,
  });
}

function sameEntries(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

function toMetadata(row: SecretTable): SecretMetadata {
  return {
    name: row.name,
    description: row.description,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    updatedBy: row.updated_by,
  };
}
