import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync, unwatchFile, watchFile } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Server as TlsServer } from "node:tls";
import type { FastifyInstance } from "fastify";
import { type Config, ConfigError } from "../config/config.ts";
import type { Logger } from "../observability/logger.ts";

type TlsFiles = NonNullable<Config["tls"]>;

/** How often the certificate files are checked for changes, and how long to let writes settle. */
const POLL_MS = 1000;
const SETTLE_MS = 250;

/** A certificate chain and its key, read and checked to belong together. */
export interface TlsPair {
  cert: Buffer;
  key: Buffer;
}

/**
 * Reads the PEM certificate and key; throws a ConfigError naming the file at fault when one
 * cannot be read or parsed, or when the key is not the certificate's.
 */
export function readTlsPair(files: TlsFiles): TlsPair {
  const cert = readPem("WEFT_TLS_CERT", files.certFile);
  const key = readPem("WEFT_TLS_KEY", files.keyFile);
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch (error) {
    throw fileFault("WEFT_TLS_CERT", files.certFile, "is not a PEM certificate", error);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch (error) {
    throw fileFault("WEFT_TLS_KEY", files.keyFile, "is not an unencrypted PEM private key", error);
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw fileFault("WEFT_TLS_KEY", files.keyFile, `is not the key of ${files.certFile}`);
  }
  return { cert, key };
}

function readPem(name: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw fileFault(name, path, "cannot be read", error);
  }
}

function fileFault(name: string, path: string, problem: string, cause?: unknown): ConfigError {
  // OpenSSL's reason (such as "no start line") never quotes the file's content.
  const reason = cause instanceof Error ? `: ${cause.message}` : "";
  return new ConfigError([`${name}=${JSON.stringify(path)}: ${problem}${reason}`]);
}

/**
 * With TLS configured, starts what goes with the listening HTTPS server: reloading the
 * certificate when its files change, and the plain-HTTP redirect port. Resolves with a
 * function that stops both.
 */
export async function startTlsServices(
  app: FastifyInstance,
  config: Config,
  logger: Logger,
): Promise<() => Promise<void>> {
  const files = config.tls;
  if (!files) return async () => {};
  const stopWatching = watchCertificate(app.server as unknown as TlsServer, files, logger);
  if (files.redirectPort === undefined) return async () => stopWatching();

  try {
    const httpsPort = (app.server.address() as AddressInfo).port;
    const redirect = await startRedirectServer(config, files.redirectPort, httpsPort);
    logger.info({ port: files.redirectPort, httpsPort }, "redirecting plain HTTP to HTTPS");
    return async () => {
      stopWatching();
      await closeServer(redirect);
    };
  } catch (error) {
    stopWatching();
    throw error;
  }
}

/**
 * Polls both files (a poll sees a file replaced by rename or a symlink swap, as certificate
 * tools and Kubernetes do, where inotify would lose it), and loads a new pair into the server
 * once writes settle. A pair that fails to load is logged and the one in use kept.
 */
function watchCertificate(server: TlsServer, files: TlsFiles, logger: Logger): () => void {
  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    timer = undefined;
    try {
      const pair = readTlsPair(files);
      server.setSecureContext(pair);
      const certificate = new X509Certificate(pair.cert);
      logger.info(
        {
          subject: certificate.subject,
          serial: certificate.serialNumber,
          validTo: certificate.validTo,
        },
        "TLS certificate reloaded",
      );
    } catch (error) {
      const faults = error instanceof ConfigError ? error.faults : [(error as Error).message];
      logger.error({ faults }, "TLS certificate not reloaded: keeping the one in use");
    }
  };
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(reload, SETTLE_MS);
  };
  for (const file of [files.certFile, files.keyFile]) {
    watchFile(file, { interval: POLL_MS, persistent: false }, changed);
  }
  return () => {
    clearTimeout(timer);
    unwatchFile(files.certFile, changed);
    unwatchFile(files.keyFile, changed);
  };
}

/** A plain HTTP server on `port` that answers everything with 308 to the HTTPS URL. */
function startRedirectServer(config: Config, port: number, httpsPort: number): Promise<Server> {
  const publicOrigin = config.publicUrl ? new URL(config.publicUrl).origin : undefined;
  const server = createServer((request, response) => {
    const location = httpsUrl(request, publicOrigin, httpsPort);
    if (!location) {
      response.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
      response.end("a Host header is needed to redirect to HTTPS\n");
      return;
    }
    response.writeHead(308, { location, "content-type": "text/plain; charset=utf-8" });
    response.end(`moved to ${location}\n`);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: config.host, port }, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

function httpsUrl(
  request: IncomingMessage,
  publicOrigin: string | undefined,
  httpsPort: number,
): string | undefined {
  // An absolute-form target (`GET http://x/ HTTP/1.1`) is not a path: send it to the root.
  const path = request.url?.startsWith("/") ? request.url : "/";
  if (publicOrigin) return `${publicOrigin}${path}`;
  let hostname: string;
  try {
    hostname = new URL(`http://${request.headers.host ?? ""}`).hostname;
  } catch {
    return undefined;
  }
  if (!hostname) return undefined;
  return `https://${hostname}${httpsPort === 443 ? "" : `:${httpsPort}`}${path}`;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
