// The `ws` package (a server dependency, used here by the feed's tests as a real WebSocket
// server) ships no types and @types/ws is not installed: this is the part the tests use.
declare module "ws" {
  import type { EventEmitter } from "node:events";

  /** Both ends: the server's side of a connection, and a client with the browser's API. */
  export class WebSocket extends EventEmitter {
    constructor(url: string);
    send(data: string): void;
    close(code?: number, reason?: string): void;
    terminate(): void;
    on(event: "message", listener: (data: Buffer) => void): this;
    on(event: "close", listener: () => void): this;
  }

  export class WebSocketServer extends EventEmitter {
    constructor(options: { port: number; host?: string });
    address(): { port: number };
    clients: Set<WebSocket>;
    on(event: "connection", listener: (socket: WebSocket) => void): this;
    on(event: "listening", listener: () => void): this;
    close(callback?: () => void): void;
  }
}
