/** What a secret's name, value and description may be; messages never quote a value. */

export const SECRET_NAME = /^[A-Z][A-Z0-9_]{0,99}$/;
export const SECRET_NAME_RULE =
  "must be 1 to 100 upper-case letters, digits or underscores, " +
  "starting with a letter (such as API_KEY)";

export const MAX_SECRET_BYTES = 64 * 1024;
export const SECRET_VALUE_RULE = `must be 1 byte to 64 KiB (${MAX_SECRET_BYTES} bytes) of UTF-8`;

export const MAX_DESCRIPTION_LENGTH = 500;
export const DESCRIPTION_RULE = `must be at most ${MAX_DESCRIPTION_LENGTH} characters`;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function isSecretValue(value: string): boolean {
  return value.length > 0 && Buffer.byteLength(value, "utf8") <= MAX_SECRET_BYTES;
}
