import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";

/**
 * How secret values are sealed: AES-256-GCM under a key derived from WEFT_SECRET_KEY, with the
 * secret's name as additional data so that a ciphertext only opens under the name it was
 * written for. Stored as `v1.<iv>.<tag>.<data>`, each part base64url.
 */

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Fixed, so that one key string always derives the same key, in any process. */
const HKDF_SALT = "weft/secrets";
const HKDF_INFO = "aes-256-gcm v1";
const KEY_ID_LABEL = "weft/secrets/key-id";

/** Key strings shorter than this are refused: they are guessable. */
export const MIN_KEY_LENGTH = 32;

/** A derived encryption key and its fingerprint, which is what the store keeps as `key_id`. */
export interface SecretKey {
  /** 16 hex digits of an HMAC under the key: names it without revealing it. */
  readonly id: string;
  readonly key: Buffer;
}

/** Opening or sealing failed: a damaged or altered ciphertext, or the wrong key. */
export class SecretCipherError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretCipherError";
  }
}

/** Derives the AES key from a key string (WEFT_SECRET_KEY, or the development key file). */
export function deriveSecretKey(material: string): SecretKey {
  if (material.length < MIN_KEY_LENGTH)
    throw new SecretCipherError(`a secret key must be at least ${MIN_KEY_LENGTH} characters`);
  const key = Buffer.from(hkdfSync("sha256", material, HKDF_SALT, HKDF_INFO, 32));
  const id = createHmac("sha256", key).update(KEY_ID_LABEL).digest("hex").slice(0, 16);
  return { id, key };
}

/** Seals `value` for the secret `name`, with a fresh random IV. */
export function encryptSecret(key: SecretKey, name: string, value: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(name));
  const data = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), data]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

/** Opens a ciphertext of the secret `name`; throws SecretCipherError when it does not open. */
export function decryptSecret(key: SecretKey, name: string, ciphertext: string): string {
  const parts = ciphertext.split(".");
  if (parts.length !== 4 || parts[0] !== VERSION)
    throw new SecretCipherError(`the ciphertext is not in the ${VERSION}.<iv>.<tag>.<data> form`);
  const [iv, tag, data] = parts.slice(1).map((part) => Buffer.from(part, "base64url"));
  if (iv!.length !== IV_BYTES || tag!.length !== TAG_BYTES)
    throw new SecretCipherError("the ciphertext has a damaged IV or authentication tag");

  const decipher = createDecipheriv("aes-256-gcm", key.key, iv!, { authTagLength: TAG_BYTES });
  decipher.setAAD(additionalData(name));
  decipher.setAuthTag(tag!);
  try {
    return Buffer.concat([decipher.update(data!), decipher.final()]).toString("utf8");
  } catch {
    const why = "it was altered, or sealed for another name or key";
    throw new SecretCipherError(`the ciphertext does not open under key ${key.id}: ${why}`);
  }
}

function additionalData(name: string): Buffer {
  return Buffer.from(`weft secret ${name}`, "utf8");
}
