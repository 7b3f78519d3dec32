import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type PeerCertificate } from "node:tls";
import { Agent, fetch as fetchVia } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startTestServer, type TestServer } from "../helpers/test-server.ts";

/** Weft serving HTTPS itself: certificate reload without restart, HSTS, the redirect port. */

const HSTS = "max-age=15552000; includeSubDomains";
const dir = mkdtempSync(join(tmpdir(), "weft-tls-"));
const certFile = join(dir, "cert.pem");
const keyFile = join(dir, "key.pem");
const logLines: string[] = [];
let server: TestServer;
let redirectPort: number;
let first: { cert: string; key: string };

/** A self-signed certificate for 127.0.0.1, made by the openssl command. */
function makeCertificate(commonName: string, serial: string): { cert: string; key: string } {
  const out = mkdtempSync(join(dir, "new-"));
  execFileSync(
    "/usr/bin/openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-days",
      "2",
      "-subj",
      `/CN=${commonName}`,
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-set_serial",
      serial,
      "-keyout",
      join(out, "key.pem"),
      "-out",
      join(out, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  const pair = {
    cert: readFileSync(join(out, "cert.pem"), "utf8"),
    key: readFileSync(join(out, "key.pem"), "utf8"),
  };
  rmSync(out, { recursive: true });
  return pair;
}

/** Replaces a file as certificate tools do: write beside it, then rename over it. */
function replaceFile(path: string, content: string): void {
  writeFileSync(`${path}.tmp`, content);
  renameSync(`${path}.tmp`, path);
}

/** The certificate the server presents now, trusting any of `cas`. */
function peerCertificate(port: number, cas: string[]): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, ca: cas }, () => {
      const certificate = socket.getPeerCertificate();
      socket.end();
      resolve(certificate);
    });
    socket.on("error", reject);
  });
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, "close");
  return port;
}

/** A plain HTTP request, answered but never followed. */
function plainRequest(port: number, path: string, method = "GET", host?: string) {
  return new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, path, method, headers: host ? { host } : {} },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, location: res.headers.location });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

function httpsPort(): number {
  return Number(new URL(server.url).port);
}

beforeAll(async () => {
  first = makeCertificate("weft-one", "0x1001");
  writeFileSync(certFile, first.cert);
  writeFileSync(keyFile, first.key);
  redirectPort = await freePort();
  server = await startTestServer({
    env: {
      WEFT_TLS_CERT: certFile,
      WEFT_TLS_KEY: keyFile,
      WEFT_HTTP_REDIRECT_PORT: String(redirectPort),
      WEFT_LOG_LEVEL: "info",
    },
    ca: first.cert,
    logDestination: { write: (line: string) => logLines.push(line) },
  });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("HTTPS served by Weft", () => {
  it("answers over HTTPS with HSTS", async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const response = await server.api("/healthz");
    await response.arrayBuffer();
    expect(response.status).toBe(200);
    expect(response.headers.get("strict-transport-security")).toBe(HSTS);

    const missing = await server.api("/api/v1/nope");
    await missing.arrayBuffer();
    expect(missing.status).toBe(404);
    expect(missing.headers.get("strict-transport-security")).toBe(HSTS);
  });

  it("sets the session cookie Secure when signing in over HTTPS", async () => {
    const user = { email: "tls-user@example.test", password: "a-long-password", role: "viewer" };
    expect((await server.api("/api/v1/users", { method: "POST", json: user })).status).toBe(201);
    const response = await server.api("/api/v1/session", {
      method: "POST",
      headers: { authorization: "" },
      json: { email: user.email, password: user.password },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("set-cookie")).toMatch(/; Secure(;|$)/);
  });

  it("presents a replaced certificate without a restart", async () => {
    const before = await peerCertificate(httpsPort(), [first.cert]);
    expect(before.subject.CN).toBe("weft-one");
    expect(before.serialNumber).toBe("1001");

    const second = makeCertificate("weft-two", "0x2002");
    replaceFile(keyFile, second.key);
    replaceFile(certFile, second.cert);
    const after = await eventually(
      async () => {
        const peer = await peerCertificate(httpsPort(), [first.cert, second.cert]);
        return peer.subject.CN === "weft-two" ? peer : undefined;
      },
      15_000,
      "the new certificate",
    );
    expect(after.serialNumber).toBe("2002");
    expect(logLines.join("")).toContain('"msg":"TLS certificate reloaded"');

    const trusting = new Agent({ connect: { ca: second.cert } });
    try {
      const response = await fetchVia(`${server.url}/healthz`, { dispatcher: trusting });
      await response.arrayBuffer();
      expect(response.status).toBe(200);
    } finally {
      await trusting.close();
    }
    first = second;
  });

  it("keeps the certificate in use when the new files are invalid, and names the file", async () => {
    const current = readFileSync(certFile, "utf8");
    logLines.length = 0;
    replaceFile(certFile, "not a certificate\n");
    const line = await eventually(
      async () => logLines.find((l) => l.includes("TLS certificate not reloaded")),
      15_000,
      "the reload error",
    );
    const logged = JSON.parse(line) as { level: number; faults: string[] };
    expect(logged.level).toBe(50);
    expect(logged.faults).toHaveLength(1);
    expect(logged.faults[0]).toMatch(
      new RegExp(
        `^WEFT_TLS_CERT=${JSON.stringify(certFile)}: is not a PEM certificate: .*no start line`,
      ),
    );
    expect((await peerCertificate(httpsPort(), [first.cert])).subject.CN).toBe("weft-two");

    // A certificate whose key is not the one beside it is refused too.
    logLines.length = 0;
    replaceFile(certFile, makeCertificate("weft-stray", "0x3003").cert);
    const mismatch = await eventually(
      async () => logLines.find((l) => l.includes("TLS certificate not reloaded")),
      15_000,
      "the mismatch error",
    );
    expect(mismatch).toContain(`is not the key of ${certFile}`);
    expect((await peerCertificate(httpsPort(), [first.cert])).subject.CN).toBe("weft-two");
    replaceFile(certFile, current);
  });

  it("redirects plain HTTP on the redirect port to HTTPS with 308", async () => {
    const get = await plainRequest(redirectPort, "/api/v1/runs?status=failed");
    expect(get.status).toBe(308);
    expect(get.location).toBe(`https://127.0.0.1:${httpsPort()}/api/v1/runs?status=failed`);

    const post = await plainRequest(redirectPort, "/hooks/wf/key", "POST", "weft.local:80");
    expect(post.status).toBe(308);
    expect(post.location).toBe(`https://weft.local:${httpsPort()}/hooks/wf/key`);
  });
});

describe("HTTPS with a public URL", () => {
  it("redirects to the public URL, and closes the redirect port on stop", async () => {
    const port = await freePort();
    const pinned = await startTestServer({
      env: {
        WEFT_TLS_CERT: certFile,
        WEFT_TLS_KEY: keyFile,
        WEFT_HTTP_REDIRECT_PORT: String(port),
        WEFT_PUBLIC_URL: "https://weft.example.test",
      },
      ca: first.cert,
    });
    try {
      const answer = await plainRequest(port, "/api/docs", "GET", "evil.example");
      expect(answer.status).toBe(308);
      expect(answer.location).toBe("https://weft.example.test/api/docs");

      const health = await pinned.api("/healthz");
      await health.arrayBuffer();
      expect(health.headers.get("content-security-policy")).toContain(
        "connect-src 'self' wss://weft.example.test;",
      );
    } finally {
      await pinned.close();
    }
    const refused = await new Promise<string>((resolve) => {
      const socket = createConnection({ host: "127.0.0.1", port });
      socket.on("connect", () => {
        socket.destroy();
        resolve("connected");
      });
      socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
    });
    expect(refused).toBe("ECONNREFUSED");
  });

  it("refuses to start with a certificate file that is not PEM, naming it", async () => {
    const bad = join(dir, "bad.pem");
    writeFileSync(bad, "garbage");
    const dataDir = mkdtempSync(join(tmpdir(), "weft-tls-bad-"));
    try {
      await expect(
        startTestServer({ dataDir, env: { WEFT_TLS_CERT: bad, WEFT_TLS_KEY: keyFile } }),
      ).rejects.toThrow(`WEFT_TLS_CERT=${JSON.stringify(bad)}: is not a PEM certificate`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
