import type { Config } from "../config/config.ts";
import type { Logger } from "../observability/logger.ts";
import type { Db } from "../store/database.ts";
import { liveSessionHashes, liveTokenIds } from "../store/users.ts";

/** What signed a request in: an API token by its id, or a session by its id hash. */
export type Credential =
  | { kind: "token"; tokenId: string; userId: string; expiresAt: number | null }
  | { kind: "session"; idHash: string; userId: string; expiresAt: number };

/** A credential that ended in this process, as the routes that end them report it. */
export type CredentialEnd =
  | { kind: "token"; tokenId: string }
  | { kind: "session"; idHash: string }
  /** Every session of the user, as a password change ends them; their tokens live on. */
  | { kind: "sessions-of"; userId: string }
  /** Everything of a disabled user. */
  | { kind: "user"; userId: string };

/** The WebSocket close code for a feed whose credential ended: 4000 + HTTP 401. */
export const CREDENTIAL_ENDED_CODE = 4401;

interface Feed {
  credential: Credential;
  close(reason: string): void;
  expiry?: NodeJS.Timeout;
}

/** setTimeout's longest delay; a later end is left to the re-check. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The open live-feed sockets by what authenticated them, so that a feed ends with its
 * credential: at once when this process revokes, disables or signs out, and within one
 * re-check interval when another process or the CLI does, since only the store sees that.
 */
export class LiveFeeds {
  readonly #feeds = new Set<Feed>();
  readonly #db: Db;
  readonly #idleMs: number;
  readonly #recheckMs: number;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #checking = false;

  constructor(db: Db, config: Config, logger: Logger) {
    this.#db = db;
    this.#idleMs = config.sessionIdleMs;
    this.#recheckMs = config.liveFeedRecheckMs;
    this.#logger = logger;
  }

  /** Tracks a feed until the returned function is called (when its socket closes). */
  add(credential: Credential, close: (reason: string) => void): () => void {
    const feed: Feed = { credential, close };
    const untilEnd = (credential.expiresAt ?? Number.POSITIVE_INFINITY) - Date.now();
    if (untilEnd <= MAX_TIMER_MS) {
      feed.expiry = setTimeout(() => this.#close(feed, "credential expired"), untilEnd);
      feed.expiry.unref();
    }
    this.#feeds.add(feed);
    this.#timer ??= setInterval(() => void this.recheck(), this.#recheckMs).unref();
    return () => this.#forget(feed);
  }

  /** Closes the feeds signed by what just ended. */
  ended(end: CredentialEnd): void {
    for (const feed of this.#feeds) {
      if (covers(end, feed.credential)) this.#close(feed, "credential revoked");
    }
  }

  /**
   * Checks every open feed's credential against the store, one query per kind, and closes
   * those revoked, expired, ended or whose user is disabled. Passes never overlap.
   */
  async recheck(now = Date.now()): Promise<void> {
    if (this.#checking || this.#feeds.size === 0) return;
    this.#checking = true;
    try {
      const feeds = [...this.#feeds];
      const tokenIds = new Set<string>();
      const idHashes = new Set<string>();
      for (const { credential: c } of feeds) {
        if (c.kind === "token") tokenIds.add(c.tokenId);
        else idHashes.add(c.idHash);
      }
      const liveTokens = await liveTokenIds(this.#db, [...tokenIds], now);
      const liveSessions = await liveSessionHashes(
        this.#db,
        [...idHashes],
        now,
        now - this.#idleMs,
      );
      for (const feed of feeds) {
        const c = feed.credential;
        const live = c.kind === "token" ? liveTokens.has(c.tokenId) : liveSessions.has(c.idHash);
        if (!live) this.#close(feed, "credential revoked");
      }
    } catch (err) {
      this.#logger.error({ err }, "live feed credentials could not be checked");
    } finally {
      this.#checking = false;
    }
  }

  /** Forgets every feed and stops the re-check, as on shutdown (the sockets close apart). */
  stop(): void {
    for (const feed of this.#feeds) this.#forget(feed);
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #close(feed: Feed, reason: string): void {
    if (!this.#feeds.has(feed)) return;
    this.#forget(feed);
    feed.close(reason);
  }

  #forget(feed: Feed): void {
    clearTimeout(feed.expiry);
    this.#feeds.delete(feed);
    if (this.#feeds.size > 0 || this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

function covers(end: CredentialEnd, credential: Credential): boolean {
  switch (end.kind) {
    case "token":
      return credential.kind === "token" && credential.tokenId === end.tokenId;
    case "session":
      return credential.kind === "session" && credential.idHash === end.idHash;
    case "sessions-of":
      return credential.kind === "session" && credential.userId === end.userId;
    case "user":
      return credential.userId === end.userId;
  }
}
