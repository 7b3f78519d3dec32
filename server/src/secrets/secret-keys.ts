import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Config, ConfigError } from "../config/config.ts";
import { deriveSecretKey, MIN_KEY_LENGTH, type SecretKey } from "./secret-cipher.ts";

/** The key new ciphertexts are sealed with, and the one before a rotation. */
export interface SecretKeyring {
  current: SecretKey;
  /** Where the current key comes from, for messages: `WEFT_SECRET_KEY`, or the key file. */
  currentSource: string;
  previous: SecretKey | undefined;
  /** The development key file when it holds the current key. */
  devKeyFile: string | undefined;
  /** Whether this call created the development key file. */
  generated: boolean;
}

export const DEV_KEY_FILE = "secret.key";

/**
 * The keys from the configuration. In development without WEFT_SECRET_KEY a random key is
 * kept in `<dataDir>/secret.key` (created once, mode 0600); production refuses to start
 * without WEFT_SECRET_KEY before this is reached.
 */
export function loadSecretKeys(config: Config): SecretKeyring {
  const previous = config.previousSecretKey ? deriveSecretKey(config.previousSecretKey) : undefined;
  if (config.secretKey) {
    return {
      current: deriveSecretKey(config.secretKey),
      currentSource: "WEFT_SECRET_KEY",
      previous,
      devKeyFile: undefined,
      generated: false,
    };
  }
  if (config.env === "production")
    throw new ConfigError(['WEFT_SECRET_KEY="": is required in production']);

  const file = join(config.dataDir, DEV_KEY_FILE);
  const { material, generated } = readOrCreateKeyFile(file);
  return {
    current: deriveSecretKey(material),
    currentSource: `the development key in ${file}`,
    previous,
    devKeyFile: file,
    generated,
  };
}

/** The keyring's key of a stored `key_id`, or undefined when it holds neither. */
export function keyOf(keys: SecretKeyring, keyId: string): SecretKey | undefined {
  if (keyId === keys.current.id) return keys.current;
  return keyId === keys.previous?.id ? keys.previous : undefined;
}

function readOrCreateKeyFile(file: string): { material: string; generated: boolean } {
  mkdirSync(dirname(file), { recursive: true });
  const fresh = randomBytes(32).toString("base64url");
  // Written whole under another name, then linked, which fails if the file exists: a server
  // and a CLI starting at once agree on one key, and neither reads a half-written file.
  const draft = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(draft, `${fresh}\n`, { mode: 0o600, flag: "wx" });
  try {
    linkSync(draft, file);
    return { material: fresh, generated: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    rmSync(draft, { force: true });
  }
  const material = readFileSync(file, "utf8").trim();
  if (material.length < MIN_KEY_LENGTH) {
    const fault = `${file} holds no key of ${MIN_KEY_LENGTH} characters or more`;
    throw new ConfigError([
      `WEFT_SECRET_KEY="": is unset, and ${fault}: set WEFT_SECRET_KEY, or restore the file`,
    ]);
  }
  return { material, generated: false };
}
