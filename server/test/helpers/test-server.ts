import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DestinationStream } from "pino";
import { Agent, fetch as fetchVia } from "undici";
import { generateToken, hashToken } from "../../src/auth/tokens.ts";
import { createUser } from "../../src/auth/users.ts";
import { loadConfig } from "../../src/config/config.ts";
import { createLogger } from "../../src/observability/logger.ts";
import type { Role } from "../../src/store/schema.ts";
import { insertToken } from "../../src/store/users.ts";
import { createWeft, type Weft } from "../../src/weft.ts";

/** A real Weft on a fresh SQLite file in a temporary folder, listening on a free port. */
export interface TestServer {
  weft: Weft;
  url: string;
  dataDir: string;
  /** An admin's API token. */
  token: string;
  /** Creates a user with `role` and returns an API token for them. */
  tokenFor(role: Role): Promise<string>;
  /** With `ca`, what makes undici's fetch trust the server's certificate (as `dispatcher`). */
  dispatcher: Agent | undefined;
  /** fetch against the server with the admin token (unless headers override it). */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  /** Skip creating the first admin (to test setup). */
  noAdmin?: boolean;
  dataDir?: string;
  /** Secrets to store, by name, before the server is handed over. */
  secrets?: Record<string, string>;
  /** Where log lines go (at WEFT_LOG_LEVEL, silent unless set); stdout when absent. */
  logDestination?: DestinationStream;
  /** The PEM certificate to trust, for a server started with WEFT_TLS_CERT/KEY. */
  ca?: string;
}

type ViaInit = Parameters<typeof fetchVia>[1];
let userCount = 0;

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "weft-test-"));
  const config = loadConfig({
    WEFT_DATA_DIR: dataDir,
    WEFT_PORT: "0",
    WEFT_LOG_LEVEL: "silent",
    WEFT_SWEEP_INTERVAL: "100ms",
    WEFT_SHUTDOWN_GRACE: "1s",
    // The fake services that http steps call listen on loopback, refused by default.
    WEFT_HTTP_ALLOW_HOSTS: "127.0.0.1,localhost",
    ...options.env,
  });
  const logger = createLogger(config.logLevel, options.logDestination);
  const weft = await createWeft(config, logger);
  const url = await weft.start();
  for (const [name, value] of Object.entries(options.secrets ?? {}))
    await weft.secrets.set(name, value, { label: "test" });

  const tokenFor = async (role: Role) => {
    userCount += 1;
    const user = await createUser(weft.store.db, {
      email: `${role}${userCount}@example.test`,
      password: "a-long-password",
      role,
    });
    const token = generateToken("weft");
    await insertToken(weft.store.db, {
      userId: user.id,
      name: "test",
      hash: hashToken(token),
      expiresAt: null,
    });
    return token;
  };
  const dispatcher = options.ca ? new Agent({ connect: { ca: options.ca } }) : undefined;
  const token = options.noAdmin ? "" : await tokenFor("admin");

  const api = (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    if (token && !headers.has("authorization")) headers.set("authorization", `Bearer ${token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    }
    if (!dispatcher) return fetch(`${url}${path}`, { ...init, headers, body });
    // Node's own fetch takes no dispatcher from the undici package: use that package's fetch.
    const viaInit = { ...init, headers, body, dispatcher } as unknown as ViaInit;
    return fetchVia(`${url}${path}`, viaInit) as unknown as Promise<Response>;
  };

  return {
    weft,
    url,
    dataDir,
    token,
    tokenFor,
    dispatcher,
    api,
    async close() {
      await weft.stop();
      await dispatcher?.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `fn` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until a run has ended and returns it whole, as the API shows it. */
export async function waitForRunEnd(server: TestServer, runId: string, timeoutMs = 10_000) {
  return eventually(
    async () => {
      const response = await server.api(`/api/v1/runs/${runId}`);
      const run = (await response.json()) as { status: string } & Record<string, unknown>;
      return ["succeeded", "failed", "cancelled"].includes(run.status)
        ? (run as unknown as RunView)
        : undefined;
    },
    timeoutMs,
    `run ${runId} to end`,
  );
}

export interface RunView {
  id: string;
  status: string;
  output: unknown;
  error: { kind: string; message: string } | null;
  trigger: Record<string, unknown>;
  steps: {
    id: string;
    status: string;
    output: unknown;
    error: { kind: string; message: string } | null;
    attempts: { number: number; status: string; error: unknown }[];
  }[];
}

/** Saves a workflow from YAML text; fails the test with the problem document if refused. */
export async function applyYaml(
  server: TestServer,
  yaml: string,
): Promise<{ id: string; triggers: { id: string; url?: string }[] }> {
  const response = await server.api("/api/v1/workflows", {
    method: "POST",
    headers: { "content-type": "application/yaml" },
    body: yaml,
  });
  const body = (await response.json()) as {
    workflow: { id: string; triggers: { id: string; url?: string }[] };
  };
  if (response.status >= 300)
    throw new Error(`saving the workflow failed: ${JSON.stringify(body)}`);
  return body.workflow;
}

/** Starts a run by hand and returns its id. */
export async function startRun(
  server: TestServer,
  workflow: string,
  input?: unknown,
): Promise<string> {
  const response = await server.api(`/api/v1/workflows/${workflow}/runs`, {
    method: "POST",
    json: { input },
  });
  const body = (await response.json()) as { runId: string };
  if (response.status !== 202) throw new Error(`starting the run failed: ${JSON.stringify(body)}`);
  return body.runId;
}
