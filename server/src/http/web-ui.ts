import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { handleNotFound } from "./problem.ts";

/** Where `npm run build -w web` writes the dashboard, beside the server in the repository. */
export const WEB_DIST = join(import.meta.dirname, "..", "..", "..", "web", "dist");

/** The build writes this where each page load's CSP nonce goes (Vite's `html.cspNonce`). */
const NONCE_PLACEHOLDER = "WEFT_CSP_NONCE";
/** Paths that are never the dashboard: an unknown one there stays a problem+json 404. */
const NOT_PAGES = /^\/(api|hooks|healthz|readyz|assets)(\/|$)/;
const PAGE_ROUTE = { config: { access: "public" as const }, schema: { hide: true } };

export interface WebUiOptions {
  /** The built dashboard (`index.html` and `assets/`). */
  distDir: string;
  /** Where browsers load `/assets/` from instead of Weft (WEFT_ASSET_BASE_URL). */
  assetBaseUrl: string | undefined;
}

/**
 * Serves the dashboard at `/`: hashed assets cached for a year (precompressed copies when the
 * browser accepts them), and `index.html`, never cached, for every page URL so that the
 * client-side router can take it. Without a build, `/` says how to make one. Sets the app's
 * not-found handler: what is not a page gets the problem+json 404.
 */
export async function registerWebUi(app: FastifyInstance, options: WebUiOptions): Promise<void> {
  const indexFile = join(options.distDir, "index.html");
  if (!existsSync(indexFile)) {
    registerBuildNote(app);
    app.setNotFoundHandler(handleNotFound);
    return;
  }
  const template = rewriteAssetUrls(readFileSync(indexFile, "utf8"), options.assetBaseUrl);
  const assetOrigin = options.assetBaseUrl ? new URL(options.assetBaseUrl).origin : undefined;

  await app.register(fastifyStatic, {
    root: join(options.distDir, "assets"),
    prefix: "/assets/",
    decorateReply: false,
    index: false,
    preCompressed: true,
    immutable: true,
    maxAge: "365d",
  });
  const page = (_request: FastifyRequest, reply: FastifyReply) => {
    const nonce = randomBytes(16).toString("base64");
    setPageCsp(reply, nonce, assetOrigin);
    return reply
      .header("cache-control", "no-cache")
      .type("text/html; charset=utf-8")
      .send(template.replaceAll(NONCE_PLACEHOLDER, nonce));
  };
  app.get("/", PAGE_ROUTE, page);
  // Other page URLs are served where no route matched, not by a `/*` route: a wildcard would
  // also catch API paths the router refuses (an over-long id) and hide their 400.
  app.setNotFoundHandler((request, reply) =>
    request.method === "GET" && wantsPage(request)
      ? page(request, reply.code(200))
      : handleNotFound(request, reply),
  );
}

/** A page URL: asked for as HTML by a browser, outside the API, hooks, probes and assets. */
function wantsPage(request: FastifyRequest): boolean {
  const path = request.url.split("?")[0]!;
  return !NOT_PAGES.test(path) && (request.headers.accept ?? "").includes("text/html");
}

/** The build's `./assets/…` URLs, made absolute: to Weft's root, or to the asset host. */
export function rewriteAssetUrls(html: string, assetBaseUrl: string | undefined): string {
  const base = assetBaseUrl ? `${assetBaseUrl}/assets/` : "/assets/";
  return html.replace(/(\s(?:src|href)=")\.\/assets\//g, `$1${base}`);
}

/**
 * The page's policy is the app's (set by helmet) plus this load's nonce for styles, which
 * Mantine's few `<style>` elements carry, and the asset host for what is loaded from it.
 */
function setPageCsp(reply: FastifyReply, nonce: string, assetOrigin: string | undefined): void {
  const current = reply.raw.getHeader("content-security-policy");
  if (typeof current !== "string") return;
  const extra: Record<string, string[]> = {
    "style-src": [`'nonce-${nonce}'`, ...(assetOrigin ? [assetOrigin] : [])],
    ...(assetOrigin
      ? { "script-src": [assetOrigin], "font-src": [assetOrigin], "img-src": [assetOrigin] }
      : {}),
  };
  const policy = current
    .split(";")
    .map((directive) => {
      const name = directive.trim().split(/\s+/)[0] ?? "";
      return extra[name] ? `${directive.trim()} ${extra[name].join(" ")}` : directive.trim();
    })
    .join(";");
  reply.raw.removeHeader("content-security-policy");
  reply.header("content-security-policy", policy);
}

function registerBuildNote(app: FastifyInstance): void {
  const note =
    "<!doctype html><title>Weft</title><h1>Weft</h1>" +
    "<p>The dashboard is not built. Run <code>npm run build -w web</code> and restart Weft.</p>" +
    '<p>The API is documented at <a href="/api/docs">/api/docs</a>.</p>';
  app.get("/", PAGE_ROUTE, (_request, reply) =>
    reply.header("cache-control", "no-cache").type("text/html; charset=utf-8").send(note),
  );
}
