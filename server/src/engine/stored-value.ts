/** Turns values into what the store keeps: secrets masked, size capped with a marker. */

export const REDACTED = "[redacted]";

/** Secret values shorter than this are not masked: they would mask ordinary text. */
const MIN_SECRET_LENGTH = 4;

export interface StoredValueOptions {
  maxBytes: number;
  secrets: readonly string[];
}

/**
 * The forms a secret value is masked in: as is, URL-encoded (in a path and in a query), and
 * in base64 (how it shows in a Basic header or a binary body). A secret reshaped by an expression is beyond any list.
 */
export function secretForms(values: readonly string[]): string[] {
  const forms = values.flatMap((value) => [
    value,
    encodeURIComponent(value),
    // How a query parameter carries it (`+` for a space, `%21` for `!`).
    new URLSearchParams({ v: value }).toString().slice(2),
    ...base64Forms(Buffer.from(value)),
  ]);
  return [...new Set(forms)]
    .filter((form) => form.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
}

/** The instance's secrets as the engine reads them: a snapshot replaced whole on a change. */
export interface SecretSource {
  readonly snapshot: Readonly<Record<string, string>>;
  /** Changes whenever the snapshot does. */
  readonly version: number;
}

/**
 * A source whose every value, once read, stays in `forms`, which are recomputed when the
 * source changes. A deleted or replaced value stays listed for good: an attempt that read it
 * before the change may still be sending it or quoting it in an error.
 */
export class SecretTracker implements SecretSource {
  readonly #source: SecretSource;
  readonly #seen = new Set<string>();
  #version: number | undefined;
  #forms: string[] = [];

  constructor(source: SecretSource) {
    this.#source = source;
  }

  get snapshot(): Readonly<Record<string, string>> {
    this.#catchUp();
    return this.#source.snapshot;
  }

  get version(): number {
    return this.#source.version;
  }

  /** The masked forms (see secretForms) of every value read so far. */
  get forms(): readonly string[] {
    this.#catchUp();
    return this.#forms;
  }

  #catchUp(): void {
    if (this.#source.version === this.#version) return;
    this.#version = this.#source.version;
    for (const value of Object.values(this.#source.snapshot)) this.#seen.add(value);
    this.#forms = secretForms([...this.#seen]);
  }
}

/**
 * The base64 of a secret wherever it starts inside a longer encoded value (`user:secret` in
 * a Basic header): at each of the three byte offsets, the whole 4-character groups that
 * only the secret's bytes decide. At most two bytes at each end stay unmasked.
 */
function base64Forms(secret: Buffer): string[] {
  const forms: string[] = [];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), secret]);
    const start = offset === 0 ? 0 : 4;
    const end = Math.floor(encoded.length / 3) * 4;
    for (const alphabet of ["base64", "base64url"] as const) {
      const core = encoded.toString(alphabet).slice(start, end);
      if (core.length >= 8) forms.push(core);
    }
  }
  return forms;
}

/** Replaces every occurrence of a secret value in text with `[redacted]`. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH && out.includes(secret))
      out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * Serializes a value as JSON with secrets masked. Past `maxBytes` it stores a marker object
 * `{ $truncated: true, bytes, preview }` instead, so one large answer cannot bloat the store.
 */
export function toStoredJson(value: unknown, options: StoredValueOptions): string | null {
  if (value === undefined) return null;
  const json = redactText(JSON.stringify(value) ?? "null", secretsAsJson(options.secrets));
  const bytes = Buffer.byteLength(json);
  if (bytes <= options.maxBytes) return json;
  return JSON.stringify({ $truncated: true, bytes, preview: json.slice(0, 1024) });
}

/** A JSON value with every secret in it masked: for what is shown or logged, not only stored. */
export function redactValue<T>(value: T, secrets: readonly string[]): T {
  const json = JSON.stringify(value);
  if (json === undefined) return value;
  const redacted = redactText(json, secretsAsJson(secrets));
  return redacted === json ? value : (JSON.parse(redacted) as T);
}

/** Secrets as they appear inside a JSON string: quotes and backslashes escaped. */
function secretsAsJson(secrets: readonly string[]): string[] {
  return secrets.flatMap((s) => {
    const escaped = JSON.stringify(s).slice(1, -1);
    return escaped === s ? [s] : [s, escaped];
  });
}

/** Parses a stored JSON column; null stays undefined. */
export function fromStoredJson(json: string | null): unknown {
  return json === null ? undefined : JSON.parse(json);
}
