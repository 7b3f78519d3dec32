/** Turns values into what the store keeps: secrets masked, size capped with a marker. */

export const REDACTED = "[redacted]";

/** Secret values shorter than this are not masked: they would mask ordinary text. */
const MIN_SECRET_LENGTH = 4;

export interface StoredValueOptions {
  maxBytes: number;
  secrets: readonly string[];
}

/**
 * The forms a secret value is masked in: as is, URL-encoded (by encodeURIComponent, as a form
 * field, and as the URL parser writes it in each part of a URL), and in base64 (how it shows in
 * a Basic header or a binary body). A secret reshaped by an expression is beyond any list.
 */
export function secretForms(values: readonly string[]): string[] {
  const forms = values.flatMap((value) => {
    const encoded = encodeURIComponent(value);
    return [
      value,
      encoded,
      // How a query parameter carries it (`+` for a space, `%21` for `!`).
      new URLSearchParams({ v: value }).toString().slice(2),
      ...urlForms(value),
      ...base64Forms(Buffer.from(value)),
      ...(isLatin1(value) ? base64Forms(Buffer.from(value, "latin1")) : []),
      ...(encoded === value ? [] : base64Forms(Buffer.from(encoded))),
    ];
  });
  return [...new Set(forms)]
    .filter((form) => form.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
}

/**
 * The secret as `new URL()` serializes it in a path, a query, a fragment and the userinfo:
 * each part has its own percent-encode set, so no single encoding matches them all. Encoding
 * by position keeps matching a plain substring search; decoding URLs before matching would
 * have to find every URL in free text and map masks back onto the encoded text. A `?` or `#`
 * in the secret starts the next part, so the pieces on either side are listed too.
 */
function urlForms(value: string): string[] {
  const forms: string[] = [];
  for (const prefix of ["http://h/p/", "http://h/?", "http://h/#"]) {
    const href = URL.parse(prefix + value)?.href;
    if (href?.startsWith(prefix)) forms.push(...urlPieces(href.slice(prefix.length)));
  }

  const url = new URL("http://h/");
  url.username = value;
  url.password = value;
  forms.push(url.username, url.password);
  url.pathname = `/${value}`;
  url.search = value;
  url.hash = value;
  forms.push(url.pathname.slice(1), url.search.slice(1), url.hash.slice(1));
  return forms;
}

/** The whole serialized secret and, where the parser split it at `?` or `#`, each piece. */
function urlPieces(serialized: string): string[] {
  const pieces = serialized.split(/[?#]/);
  return pieces.length === 1 ? [serialized] : [serialized, ...pieces];
}

/** Holds a character jsonata's `$base64encode` writes as one Latin-1 byte, not UTF-8. */
function isLatin1(value: string): boolean {
  const codes = [...value].map((char) => char.codePointAt(0)!);
  return codes.every((code) => code <= 0xff) && codes.some((code) => code >= 0x80);
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
  const masked = redacted === json ? value : (JSON.parse(redacted) as T);
  return maskCutEnds(masked, secretsAsJson(secrets));
}

/**
 * Masks the end of `text` when it is the start of a secret form: a preview cut at a byte
 * limit can split a secret so that no whole form is left to find. A character broken by the
 * cut (U+FFFD) is ignored.
 */
export function redactCutEnd(text: string, secrets: readonly string[]): string {
  const end = text.replace(/\uFFFD+$/, "");
  for (const secret of secrets) {
    for (
      let length = Math.min(secret.length - 1, end.length);
      length >= MIN_SECRET_LENGTH;
      length--
    ) {
      if (end.endsWith(secret.slice(0, length))) return `${end.slice(0, -length)}${REDACTED}`;
    }
  }
  return text;
}

/**
 * Applies redactCutEnd to the strings in and under every object marked `truncated: true`, the
 * shape of a preview cut short (the http step's failure details, a `{ base64 }` body included).
 */
function maskCutEnds<T>(value: T, secrets: readonly string[], cut = false): T {
  if (typeof value === "string") return (cut ? redactCutEnd(value, secrets) : value) as T;
  if (Array.isArray(value)) {
    const items = value.map((item) => maskCutEnds(item, secrets, cut));
    return (items.some((item, i) => item !== value[i]) ? items : value) as T;
  }
  if (typeof value !== "object" || value === null) return value;

  const record = value as Record<string, unknown>;
  const inCut = cut || record.truncated === true;
  let changed = false;
  const entries = Object.entries(record).map(([key, item]) => {
    const next = maskCutEnds(item, secrets, inCut);
    changed ||= next !== item;
    return [key, next] as const;
  });
  return (changed ? Object.fromEntries(entries) : value) as T;
}

/**
 * Secrets as they appear inside a JSON string, once and twice escaped (quotes, backslashes,
 * control characters): an echoed JSON body kept as a string is JSON inside JSON.
 */
function secretsAsJson(secrets: readonly string[]): readonly string[] {
  const cached = jsonForms.get(secrets);
  if (cached) return cached;
  const forms = secrets.flatMap((s) => {
    const once = JSON.stringify(s).slice(1, -1);
    const twice = JSON.stringify(once).slice(1, -1);
    return [twice, once, s];
  });
  const sorted = [...new Set(forms)].sort((a, b) => b.length - a.length);
  jsonForms.set(secrets, sorted);
  return sorted;
}

/** SecretTracker hands out one array until the secrets change: escape its forms once. */
const jsonForms = new WeakMap<readonly string[], readonly string[]>();

/** Parses a stored JSON column; null stays undefined. */
export function fromStoredJson(json: string | null): unknown {
  return json === null ? undefined : JSON.parse(json);
}
