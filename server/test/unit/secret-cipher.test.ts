import { describe, expect, it } from "vitest";
import {
  decryptSecret,
  deriveSecretKey,
  encryptSecret,
  SecretCipherError,
} from "../../src/secrets/secret-cipher.ts";

const MATERIAL = "kkkkkkkkkkkkkkkk0123456789abcdef";
const KEY = deriveSecretKey(MATERIAL);
const OTHER = deriveSecretKey("another key of thirty-two characters");
const VALUE = "s3cr3t: ünïcode & spaces\nand a newline";

/** Flips one bit of the byte at `index` of a base64url part of a ciphertext. */
function flip(ciphertext: string, part: 1 | 2 | 3, index = 0): string {
  const parts = ciphertext.split(".");
  const bytes = Buffer.from(parts[part]!, "base64url");
  bytes[index] = bytes[index]! ^ 0x01;
  parts[part] = bytes.toString("base64url");
  return parts.join(".");
}

describe("deriveSecretKey", () => {
  it("derives the same 32-byte key and a 16-hex key id from the same string", () => {
    const again = deriveSecretKey(MATERIAL);
    expect(again.key.equals(KEY.key)).toBe(true);
    expect(again.id).toBe(KEY.id);
    expect(KEY.key).toHaveLength(32);
    expect(KEY.id).toMatch(/^[0-9a-f]{16}$/);
    expect(OTHER.id).not.toBe(KEY.id);
  });

  it("names the key by a fingerprint that is neither the key string nor the key", () => {
    expect(MATERIAL).not.toContain(KEY.id);
    expect(KEY.key.toString("hex")).not.toContain(KEY.id);
  });

  it("refuses a key string shorter than 32 characters", () => {
    expect(() => deriveSecretKey("x".repeat(31))).toThrow(
      new SecretCipherError("a secret key must be at least 32 characters"),
    );
  });
});

describe("encryptSecret and decryptSecret", () => {
  it("round-trips a value in the v1.<iv>.<tag>.<data> form, with a fresh IV each time", () => {
    const first = encryptSecret(KEY, "API_KEY", VALUE);
    const second = encryptSecret(KEY, "API_KEY", VALUE);

    expect(first).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(second).not.toBe(first);
    expect(decryptSecret(KEY, "API_KEY", first)).toBe(VALUE);
    expect(decryptSecret(KEY, "API_KEY", second)).toBe(VALUE);
    expect(first).not.toContain(Buffer.from(VALUE).toString("base64url"));
  });

  it.each([
    ["the data", 3],
    ["the tag", 2],
    ["the IV", 1],
  ] as const)("refuses a ciphertext whose %s was altered", (_what, part) => {
    const sealed = encryptSecret(KEY, "API_KEY", VALUE);
    expect(() => decryptSecret(KEY, "API_KEY", flip(sealed, part))).toThrow(
      `the ciphertext does not open under key ${KEY.id}: it was altered, or sealed for another name or key`,
    );
  });

  it("refuses the wrong key with a message naming the key tried", () => {
    const sealed = encryptSecret(KEY, "API_KEY", VALUE);
    expect(() => decryptSecret(OTHER, "API_KEY", sealed)).toThrow(
      `the ciphertext does not open under key ${OTHER.id}`,
    );
  });

  it("binds a ciphertext to its name, so rows cannot be swapped", () => {
    const sealed = encryptSecret(KEY, "API_KEY", VALUE);
    expect(() => decryptSecret(KEY, "OTHER_KEY", sealed)).toThrow(SecretCipherError);
  });

  it("refuses text that is not a v1 ciphertext, and a cut tag", () => {
    const sealed = encryptSecret(KEY, "API_KEY", VALUE);
    expect(() => decryptSecret(KEY, "API_KEY", sealed.replace(/^v1/, "v2"))).toThrow(
      "the ciphertext is not in the v1.<iv>.<tag>.<data> form",
    );
    expect(() => decryptSecret(KEY, "API_KEY", "plain text")).toThrow(SecretCipherError);
    const parts = sealed.split(".");
    parts[2] = parts[2]!.slice(0, 8);
    expect(() => decryptSecret(KEY, "API_KEY", parts.join("."))).toThrow(
      "the ciphertext has a damaged IV or authentication tag",
    );
  });
});
