import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.ts";
import { registerSecurity } from "../../src/http/plugins/security.ts";
import { registerWebUi } from "../../src/http/web-ui.ts";

const SCRIPT = "console.log('weft');".repeat(200);
const INDEX = [
  "<!doctype html><html><head>",
  '<meta property="csp-nonce" nonce="WEFT_CSP_NONCE">',
  '<script type="module" crossorigin src="./assets/index-abc123.js" nonce="WEFT_CSP_NONCE"></script>',
  '<link rel="stylesheet" href="./assets/index-def456.css" nonce="WEFT_CSP_NONCE">',
  '</head><body><div id="root"></div></body></html>',
].join("\n");

let distDir: string;
const apps: FastifyInstance[] = [];

/** The app's security headers and 404 answer, with the UI served from `dist`. */
async function startUi(dist: string, env: Record<string, string> = {}): Promise<string> {
  const config = loadConfig({ WEFT_LOG_LEVEL: "silent", ...env });
  const app = Fastify();
  await registerSecurity(app as unknown as FastifyInstance, config);
  await registerWebUi(app as unknown as FastifyInstance, {
    distDir: dist,
    assetBaseUrl: config.assetBaseUrl,
  });
  app.get("/api/v1/thing", () => ({ ok: true }));
  apps.push(app as unknown as FastifyInstance);
  return app.listen({ host: "127.0.0.1", port: 0 });
}

const page = (url: string) => fetch(url, { headers: { accept: "text/html,*/*" } });

beforeAll(() => {
  distDir = mkdtempSync(join(tmpdir(), "weft-web-dist-"));
  mkdirSync(join(distDir, "assets"));
  writeFileSync(join(distDir, "index.html"), INDEX);
  const script = join(distDir, "assets", "index-abc123.js");
  writeFileSync(script, SCRIPT);
  writeFileSync(`${script}.gz`, gzipSync(SCRIPT));
  writeFileSync(`${script}.br`, brotliCompressSync(SCRIPT));
  writeFileSync(join(distDir, "assets", "index-def456.css"), "body{margin:0}");
});

afterAll(async () => {
  for (const app of apps) await app.close();
  rmSync(distDir, { recursive: true, force: true });
});

describe("the dashboard's index.html", () => {
  let base: string;
  beforeAll(async () => {
    base = await startUi(distDir);
  });

  it("is served at / and at any page URL, never cached, with assets from /assets/", async () => {
    for (const path of ["/", "/workflows", "/runs/r_1?status=failed"]) {
      const response = await page(`${base}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(response.headers.get("cache-control")).toBe("no-cache");
      const html = await response.text();
      expect(html).toContain('src="/assets/index-abc123.js"');
      expect(html).toContain('href="/assets/index-def456.css"');
    }
  });

  it("gets a fresh style nonce per load, the same in the page and its CSP", async () => {
    const nonces = [];
    for (let i = 0; i < 2; i += 1) {
      const response = await page(`${base}/`);
      const html = await response.text();
      const nonce = /nonce="([^"]+)"/.exec(html)![1]!;
      expect(html).not.toContain("WEFT_CSP_NONCE");
      const csp = response.headers.get("content-security-policy")!;
      expect(csp).toContain(`style-src 'self' 'nonce-${nonce}'`);
      expect(csp).toContain("script-src 'self';");
      expect(csp).not.toContain("unsafe-inline");
      nonces.push(nonce);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it("is not the answer under /api, /hooks, the probes or /assets, nor to non-HTML requests", async () => {
    for (const path of ["/api/v1/nothing", "/hooks/x/y", "/healthz", "/assets/missing.js"]) {
      const response = await page(`${base}${path}`);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(response.headers.get("cache-control") ?? "").not.toContain("immutable");
    }
    const json = await fetch(`${base}/workflows`, { headers: { accept: "application/json" } });
    expect(json.status).toBe(404);
    expect((await (await fetch(`${base}/api/v1/thing`)).json()) as object).toEqual({ ok: true });
  });
});

describe("the dashboard's assets", () => {
  let base: string;
  beforeAll(async () => {
    base = await startUi(distDir);
  });

  it("are cached for a year as immutable", async () => {
    const response = await fetch(`${base}/assets/index-def456.css`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  });

  it("come precompressed as brotli or gzip, as the browser accepts", async () => {
    const url = `${base}/assets/index-abc123.js`;
    for (const encoding of ["br", "gzip"]) {
      const response = await fetch(url, { headers: { "accept-encoding": encoding } });
      expect(response.headers.get("content-encoding")).toBe(encoding);
      expect(await response.text()).toBe(SCRIPT);
    }
    const plain = await fetch(url, { headers: { "accept-encoding": "identity" } });
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe(SCRIPT);
  });
});

describe("WEFT_ASSET_BASE_URL", () => {
  it("points the page at the asset host and lets the CSP load from it", async () => {
    const base = await startUi(distDir, { WEFT_ASSET_BASE_URL: "https://cdn.example.test/weft/" });
    const response = await page(`${base}/`);
    const html = await response.text();
    expect(html).toContain('src="https://cdn.example.test/weft/assets/index-abc123.js"');
    expect(html).toContain('href="https://cdn.example.test/weft/assets/index-def456.css"');
    const csp = response.headers.get("content-security-policy")!;
    for (const directive of ["script-src", "font-src", "img-src"])
      expect(csp).toMatch(new RegExp(`${directive} [^;]*https://cdn\\.example\\.test(;|$)`));
    expect(csp).toMatch(/style-src 'self' 'nonce-[^']+' https:\/\/cdn\.example\.test(;|$)/);
  });
});

describe("without a build", () => {
  it("answers / with how to build the dashboard", async () => {
    const base = await startUi(join(distDir, "no-such-dist"));
    const response = await page(`${base}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("npm run build -w web");
  });
});
