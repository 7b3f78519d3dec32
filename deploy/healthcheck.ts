// The container's health probe (deploy/Dockerfile HEALTHCHECK): exits 0 when Weft's /healthz
// answers 200 on this machine, 1 otherwise. It reads the same settings as `weft serve`, so it
// follows WEFT_HOST, WEFT_PORT and Weft's own TLS; the certificate is not checked, since the
// probe dials 127.0.0.1 rather than the name the certificate is for.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { loadConfig } from "../server/src/config/config.ts";

const TIMEOUT_MS = 4_000;
const ANY_ADDRESS = new Set(["0.0.0.0", "::", "[::]"]);

function fail(message: string): never {
  process.stderr.write(`healthcheck: ${message}\n`);
  process.exit(1);
}

function readConfig() {
  try {
    return loadConfig();
  } catch (error) {
    return fail((error as Error).message);
  }
}

const config = readConfig();
const host = ANY_ADDRESS.has(config.host) ? "127.0.0.1" : config.host;
const request = config.tls ? httpsRequest : httpRequest;
const probe = request(
  { host, port: config.port, path: "/healthz", timeout: TIMEOUT_MS, rejectUnauthorized: false },
  (response) => {
    response.resume();
    if (response.statusCode !== 200) fail(`/healthz answered ${response.statusCode}`);
    process.exit(0);
  },
);
probe.on("timeout", () => probe.destroy(new Error(`no answer within ${TIMEOUT_MS}ms`)));
probe.on("error", (error) => fail(`${host}:${config.port}: ${error.message}`));
probe.end();
