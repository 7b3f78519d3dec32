import { createHash, randomBytes } from "node:crypto";

/** A new secret credential: `prefix_` and 32 random bytes, URL-safe. */
export function generateToken(prefix: "weft" | "wfs" | "wfh"): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

/** What the store keeps of a token: its SHA-256, so a stolen database reveals no token. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}
