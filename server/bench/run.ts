import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import Database from "better-sqlite3";

/**
 * `npm run bench`: in one run, a bare Node HTTP server's requests per second beside Weft's
 * webhook-triggered three-step runs per second (with webhook-to-completion latency), the
 * engine's overhead per step on a 40-step chain, and the idle memory of `weft serve`.
 */

const BIN = new URL("../bin/weft.js", import.meta.url).pathname;
const BARE = new URL("./bare-server.ts", import.meta.url).pathname;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not come up`);
}

function load(url: string, body: string) {
  return autocannon({
    url,
    method: "POST",
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { "content-type": "application/json" },
    body,
  });
}

/**
 * Sends webhooks evenly spaced at `rate` per second (autocannon's rate limit sends each
 * second's requests in one burst, which measures its bursts rather than Weft's latency).
 */
async function pacedLoad(url: string, body: string, rate: number) {
  const total = rate * SECONDS;
  const start = performance.now();
  const sent: Promise<Response>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    sent.push(
      fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body }),
    );
  }
  const answers = await Promise.allSettled(sent);
  const errors = answers.filter((a) => a.status === "rejected" || a.value.status !== 202).length;
  return { requests: { average: total / SECONDS }, non2xx: errors, errors: 0 };
}

async function benchBare(): Promise<number> {
  const child = spawn(process.execPath, [BARE], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<number>((resolve) =>
    child.stdout!.once("data", (d) => resolve(Number(String(d).trim()))),
  );
  const result = await load(`http://127.0.0.1:${port}/`, "{}");
  child.kill();
  return result.requests.average;
}

interface WeftUnderTest {
  child: ChildProcess;
  url: string;
  token: string;
  dataDir: string;
}

async function startWeft(): Promise<WeftUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), "weft-bench-"));
  const port = await freePort();
  const env = {
    ...process.env,
    WEFT_DATA_DIR: dataDir,
    WEFT_PORT: String(port),
    WEFT_LOG_LEVEL: "warn",
    WEFT_LOG_FORMAT: "json",
    // The bench measures throughput; the limits would cap it at their defaults.
    WEFT_RATE_LIMIT_API: "off",
    WEFT_RATE_LIMIT_WEBHOOK: "off",
  };
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, [BIN, ...args], { env, encoding: "utf8" }).trim();
  cli(
    "user",
    "create",
    "--email",
    "bench@example.test",
    "--password",
    "bench-password",
    "--role",
    "admin",
  );
  const token = cli("token", "create", "--email", "bench@example.test");
  for (const [name, yaml] of Object.entries(WORKFLOWS)) {
    const file = join(dataDir, `${name}.yaml`);
    writeFileSync(file, yaml);
    cli("workflow", "apply", "-f", file);
  }
  const child = spawn(process.execPath, [BIN, "serve"], {
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/healthz`);
  return { child, url, token, dataDir };
}

const WORKFLOWS = {
  "three-steps": `
name: three-steps
triggers: [{ type: webhook }]
steps:
  - { id: parse, type: transform, with: { expression: "trigger.body.n" } }
  - { id: double, type: transform, needs: [parse], with: { expression: "steps.parse.output * 2" } }
  - { id: done, type: transform, needs: [double], with: { expression: "{ 'result': steps.double.output }" } }
`,
  chain: `name: chain\nsteps:\n${Array.from({ length: 40 }, (_, i) =>
    i === 0
      ? "  - { id: s0, type: transform, with: { expression: '0' } }"
      : `  - { id: s${i}, type: transform, needs: [s${i - 1}], with: { expression: 'steps.s${i - 1}.output + 1' } }`,
  ).join("\n")}\n`,
};

async function api(weft: WeftUnderTest, path: string, init: RequestInit = {}) {
  const response = await fetch(`${weft.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${weft.token}`,
      "content-type": "application/json",
      ...init.headers,
    },
  });
  return response.json() as Promise<Record<string, unknown>>;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function settle(dbPath: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const db = new Database(dbPath, { readonly: true });
  try {
    while (Date.now() < deadline) {
      const open = db
        .prepare("select count(*) n from runs where status in ('queued','running')")
        .get() as { n: number };
      if (open.n === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("runs did not finish in time");
  } finally {
    db.close();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Webhook load on the three-step workflow; at `rate` requests/s, or as fast as it goes. */
async function benchWeft(weft: WeftUnderTest, rate?: number) {
  const workflow = await api(weft, "/api/v1/workflows/three-steps");
  const hook = (workflow.triggers as { url: string }[])[0]!.url;
  const since = Date.now();
  const body = JSON.stringify({ n: 21 });
  const result = rate ? await pacedLoad(hook, body, rate) : await load(hook, body);
  await settle(join(weft.dataDir, "weft.db"), 300_000);

  const db = new Database(join(weft.dataDir, "weft.db"), { readonly: true });
  const rows = db
    .prepare(
      "select r.created_at c, r.ended_at e, r.status s from runs r " +
        "join workflows w on w.id = r.workflow_id where w.name = 'three-steps' and r.created_at >= ?",
    )
    .all(since) as { c: number; e: number; s: string }[];
  db.close();
  const latencies = rows.map((r) => r.e - r.c).sort((a, b) => a - b);
  const first = Math.min(...rows.map((r) => r.c));
  const last = Math.max(...rows.map((r) => r.e));
  return {
    accepted: result.requests.average,
    errors: result.non2xx + result.errors,
    runs: rows.length,
    succeeded: rows.filter((r) => r.s === "succeeded").length,
    runsPerSecond: rows.length / ((last - first) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

async function benchChain(weft: WeftUnderTest) {
  const durations: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = (await api(weft, "/api/v1/workflows/chain/runs", {
      method: "POST",
      body: "{}",
    })) as { runId: string };
    for (;;) {
      const run = (await api(weft, `/api/v1/runs/${started.runId}`)) as {
        status: string;
        durationMs: number;
      };
      if (run.status === "succeeded") {
        durations.push(run.durationMs);
        break;
      }
      if (run.status === "failed") throw new Error("the chain run failed");
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  durations.sort((a, b) => a - b);
  return { medianRunMs: durations[2]!, perStepMs: durations[2]! / 40 };
}

async function main() {
  const bare = await benchBare();
  const weft = await startWeft();
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const idleMb = rssMb(weft.child.pid!);
    const chain = await benchChain(weft);
    const peak = await benchWeft(weft);
    const steady = await benchWeft(weft, Math.max(10, Math.round(peak.runsPerSecond / 2)));
    const lines = [
      `load: ${CONNECTIONS} connections for ${SECONDS}s per phase, node ${process.version}`,
      `bare node http server:      ${bare.toFixed(0)} requests/s`,
      `weft webhooks accepted:     ${peak.accepted.toFixed(0)} requests/s (${peak.errors} errors)`,
      `weft three-step runs:       ${peak.runsPerSecond.toFixed(0)} runs/s completed (${peak.succeeded}/${peak.runs} succeeded)`,
      `ratio runs/s : bare req/s:  ${(peak.runsPerSecond / bare).toFixed(3)}`,
      `at ${Math.round(peak.runsPerSecond / 2)} webhooks/s (half of peak): webhook to completion p50 ${steady.p50} ms, p99 ${steady.p99} ms (${steady.succeeded}/${steady.runs} succeeded)`,
      `40-step chain:              ${chain.medianRunMs} ms per run, ${chain.perStepMs.toFixed(2)} ms per step`,
      `weft serve idle RSS:        ${idleMb.toFixed(0)} MB`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    weft.child.kill("SIGTERM");
    await new Promise((r) => weft.child.once("exit", r));
    rmSync(weft.dataDir, { recursive: true, force: true });
  }
}

await main();
