import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const WEFT_CONF = fileURLToPath(new URL("../../../deploy/nginx/weft.conf", import.meta.url));
const OUTPUT_TAIL = 16 * 1024;

/** The path of an executable among `candidates` or on PATH, or undefined. */
export function findProgram(name: string, candidates: string[] = []): string | undefined {
  const dirs = (process.env.PATH ?? "").split(":").filter(Boolean);
  for (const path of [...candidates, ...dirs.map((dir) => join(dir, name))]) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/**
 * Whether a suite that needs outside programs runs: yes when they are all there; when one is
 * missing, a printed notice and a skip, unless WEFT_REQUIRE_SERVICES=1 (as in CI) makes the
 * absence a failure.
 */
export function requirePrograms(suite: string, programs: Record<string, string | undefined>) {
  const missing = Object.entries(programs)
    .filter(([, path]) => path === undefined)
    .map(([name]) => name);
  if (missing.length === 0) return true;
  const what = `${suite} needs ${missing.join(" and ")} (apt-get install ${missing.join(" ")})`;
  if (process.env.WEFT_REQUIRE_SERVICES === "1")
    throw new Error(`${what}, and WEFT_REQUIRE_SERVICES=1 requires it`);
  console.warn(`skipping: ${what}`);
  return false;
}

/** A certificate authority and a server certificate it signed for 127.0.0.1 and localhost. */
export interface TestCertificates {
  caFile: string;
  certFile: string;
  keyFile: string;
  ca: string;
}

/** Makes a CA and a server certificate in `dir` with openssl (P-256 keys, one day). */
export function makeCertificates(openssl: string, dir: string): TestCertificates {
  const file = (name: string) => join(dir, name);
  const run = (args: string[]) => execFileSync(openssl, args, { stdio: "pipe" });
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  run(
    ["req", "-x509", ...key, "-keyout", file("ca.key"), "-out", file("ca.pem")].concat([
      "-days",
      "1",
      "-subj",
      "/CN=Weft test CA",
    ]),
  );
  run(
    ["req", ...key, "-keyout", file("privkey.pem"), "-out", file("server.csr")].concat([
      "-subj",
      "/CN=127.0.0.1",
    ]),
  );
  writeFileSync(file("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  run(
    ["x509", "-req", "-in", file("server.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key")]
      .concat(["-CAcreateserial", "-days", "1", "-extfile", file("server.ext")])
      .concat(["-out", file("fullchain.pem")]),
  );
  return {
    caFile: file("ca.pem"),
    certFile: file("fullchain.pem"),
    keyFile: file("privkey.pem"),
    ca: readFileSync(file("ca.pem"), "utf8"),
  };
}

export interface NginxOptions {
  nginx: string;
  /** The prefix folder: configuration, pid file and temporary files all stay in it. */
  dir: string;
  httpPort: number;
  httpsPort: number;
  /** Where Weft listens, `127.0.0.1:PORT`. */
  upstream: string;
  certificates: TestCertificates;
}

/**
 * deploy/nginx/weft.conf as an operator would adapt it: the listen ports, the certificate
 * paths and the upstream file, and nothing else. Each change must match exactly once, so a
 * conf that drifts from what docs/deployment.md tells operators to edit fails here.
 */
export function renderWeftConf(options: NginxOptions): string {
  let text = readFileSync(WEFT_CONF, "utf8");
  const edit = (pattern: RegExp, replacement: string) => {
    const matches = text.match(new RegExp(pattern.source, "gm"))?.length ?? 0;
    if (matches !== 1) throw new Error(`weft.conf: ${pattern} matched ${matches} times, not once`);
    text = text.replace(new RegExp(pattern.source, "m"), replacement);
  };
  edit(/^(\s*)listen 80 default_server;/, `$1listen 127.0.0.1:${options.httpPort} default_server;`);
  edit(/^(\s*)listen 443 ssl/, `$1listen 127.0.0.1:${options.httpsPort} ssl`);
  edit(/^(\s*ssl_certificate) \S+;/, `$1 ${options.certificates.certFile};`);
  edit(/^(\s*ssl_certificate_key) \S+;/, `$1 ${options.certificates.keyFile};`);
  // Both server blocks log to the same file, which the test reads.
  const logLines = text.match(/^\s*access_log \/var\/log\/nginx\/access\.log weft_combined;/gm);
  if (logLines?.length !== 2)
    throw new Error("weft.conf: expected two weft_combined access_log lines");
  text = text.replaceAll(
    "/var/log/nginx/access.log weft_combined",
    `${accessLogPath(options)} weft_combined`,
  );
  writeFileSync(join(options.dir, "weft-upstream.conf"), `server ${options.upstream};\n`);
  return text;
}

/** Where the rendered conf has nginx write its access log. */
export function accessLogPath(options: Pick<NginxOptions, "dir">): string {
  return join(options.dir, "access.log");
}

/** A real nginx, run in the foreground by this process, that serves weft.conf. */
export interface NginxProcess {
  pid: number;
  output(): string;
  /** Graceful stop (SIGQUIT), then SIGKILL to the process group if it lingers. */
  stop(): Promise<void>;
}

/** Writes the conf with a minimal nginx.conf around it and starts nginx on it. */
export async function startNginx(options: NginxOptions): Promise<NginxProcess> {
  const temp = join(options.dir, "temp");
  mkdirSync(temp, { recursive: true });
  writeFileSync(join(options.dir, "weft.conf"), renderWeftConf(options));
  // As root, nginx would hand its workers to `nobody`, who cannot write the 0700 prefix
  // folder where large request bodies are buffered; the workers stay root in this test only.
  const user = process.getuid?.() === 0 ? "user root;\n" : "";
  const temps = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    .map((kind) => `  ${kind}_temp_path ${join(temp, kind)};`)
    .join("\n");
  writeFileSync(
    join(options.dir, "nginx.conf"),
    `${user}worker_processes 1;\nevents { worker_connections 256; }\nhttp {\n` +
      `  access_log off;\n${temps}\n  include weft.conf;\n}\n`,
  );

  const global = `daemon off; pid ${join(options.dir, "nginx.pid")}; error_log stderr;`;
  const args = ["-p", options.dir, "-c", join(options.dir, "nginx.conf"), "-e", "stderr"];
  const child = spawn(options.nginx, [...args, "-g", global], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  await waitForPort(options.httpsPort, child, () => output);

  return {
    pid: child.pid!,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGQUIT");
      const timer = setTimeout(() => killGroup(child.pid!), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

async function waitForPort(port: number, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`nginx exited (${child.exitCode ?? child.signalCode}):\n${output()}`);
    if (await canConnect(port)) return;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port}:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Ports that were free a moment ago, bound on 127.0.0.1 by the kernel's choice and released. */
export async function findFreePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  const ports: number[] = [];
  for (const server of servers) {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port was assigned");
    ports.push(address.port);
  }
  for (const server of servers) server.close();
  return ports;
}
