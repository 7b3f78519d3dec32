import { type BackoffOptions, DEFAULT_BACKOFF, reconnectDelay } from "./backoff.ts";
import { acknowledgedTopic, parseFeedMessage, type Topic, topicMessage } from "./feed-messages.ts";
import {
  type LiveFilter,
  type LiveListener,
  SubscriptionRegistry,
} from "./subscription-registry.ts";

/** The WebSocket close code for a feed whose session or token ended (server: live-feeds.ts). */
export const CREDENTIAL_ENDED_CODE = 4401;

/**
 * Where the feed stands: `idle` with no subscribers, `connecting` (first time or after a
 * loss), `open`, or `signed-out` once the server ended it for an ended credential; it stays
 * signed out, without reconnecting, until every subscriber has gone.
 */
export type FeedStatus = "idle" | "connecting" | "open" | "signed-out";

export interface LiveFeedOptions {
  url: string;
  createSocket?: (url: string) => WebSocket;
  backoff?: BackoffOptions;
  random?: () => number;
  /** How long the socket stays open after the last subscriber leaves, for the next page. */
  lingerMs?: number;
}

/**
 * One WebSocket to the live feed shared by every subscriber: opened on the first subscription,
 * closed a moment after the last one ends, reconnected with capped backoff after a loss, and
 * every wanted topic sent again on each new connection (whose acknowledgements tell the
 * subscribers to catch up on what they may have missed).
 */
export class LiveFeed {
  readonly #options: Required<LiveFeedOptions>;
  readonly #registry = new SubscriptionRegistry();
  readonly #statusListeners = new Set<() => void>();
  #status: FeedStatus = "idle";
  #socket: WebSocket | undefined;
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #lingerTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: LiveFeedOptions) {
    this.#options = {
      createSocket: (url) => new WebSocket(url),
      backoff: DEFAULT_BACKOFF,
      random: Math.random,
      lingerMs: 1000,
      ...options,
    };
  }

  get status(): FeedStatus {
    return this.#status;
  }

  /** Calls `listener` whenever `status` changes; returns the function that stops it. */
  onStatus(listener: () => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /** Starts receiving the filter's events; returns the function that ends the subscription. */
  subscribe(filter: LiveFilter, listener: LiveListener): () => void {
    clearTimeout(this.#lingerTimer);
    const { added, remove } = this.#registry.add(filter, listener);
    if (this.#status === "idle") this.#connect();
    else this.#sendAll("subscribe", added);

    return () => {
      this.#sendAll("unsubscribe", remove());
      if (this.#registry.size > 0) return;
      clearTimeout(this.#lingerTimer);
      this.#lingerTimer = setTimeout(() => this.#stop(), this.#options.lingerMs);
    };
  }

  /** Closes the socket and forgets the reconnect; subscribers stay and a new one reopens. */
  close(): void {
    clearTimeout(this.#lingerTimer);
    this.#stop();
  }

  #connect(): void {
    clearTimeout(this.#reconnectTimer);
    const socket = this.#options.createSocket(this.#options.url);
    this.#socket = socket;
    this.#setStatus("connecting");

    socket.addEventListener("open", () => {
      if (socket !== this.#socket) return;
      this.#attempt = 0;
      this.#setStatus("open");
      this.#sendAll("subscribe", this.#registry.topics());
    });
    socket.addEventListener("message", (message: MessageEvent) => {
      if (socket !== this.#socket || typeof message.data !== "string") return;
      this.#receive(message.data);
    });
    // An error is always followed by a close, which decides what comes next.
    socket.addEventListener("error", () => {});
    socket.addEventListener("close", (event: CloseEvent) => {
      if (socket !== this.#socket) return;
      this.#socket = undefined;
      this.#closed(event.code);
    });
  }

  #receive(text: string): void {
    const message = parseFeedMessage(text);
    if (message?.type === "event") this.#registry.dispatch(message.event);
    if (message?.type === "subscribed") {
      const topic = acknowledgedTopic(message);
      if (topic) this.#registry.confirm(topic);
    }
  }

  #closed(code: number): void {
    if (code === CREDENTIAL_ENDED_CODE || this.#registry.size === 0) {
      this.#setStatus(code === CREDENTIAL_ENDED_CODE ? "signed-out" : "idle");
      return;
    }
    this.#setStatus("connecting");
    const delay = reconnectDelay(this.#attempt, this.#options.backoff, this.#options.random);
    this.#attempt += 1;
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  #stop(): void {
    clearTimeout(this.#reconnectTimer);
    const socket = this.#socket;
    this.#socket = undefined;
    this.#attempt = 0;
    if (socket && socket.readyState !== socket.CLOSED) socket.close(1000, "no subscribers");
    this.#setStatus("idle");
  }

  #sendAll(action: "subscribe" | "unsubscribe", topics: Topic[]): void {
    const socket = this.#socket;
    if (!socket || socket.readyState !== socket.OPEN) return;
    for (const topic of topics) socket.send(topicMessage(action, topic));
  }

  #setStatus(status: FeedStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    for (const listener of [...this.#statusListeners]) listener();
  }
}
