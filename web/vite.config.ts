import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { precompress } from "./build/compress.ts";
import { sizeReport } from "./build/size-report.ts";

/**
 * JavaScript budgets, gzipped: before the heaviest page shows (the figure), and with
 * the heaviest part such a page loads after it shows, behind a loading state (chart library,
 * step graph, editor).
 */
const BUDGETS = { firstLoadKb: 250, withDeferredKb: 360 };

export default defineConfig({
  plugins: [react(), sizeReport(BUDGETS), precompress()],
  // Relative asset URLs: the server rewrites index.html's to `/assets/…` or to
  // WEFT_ASSET_BASE_URL, and chunks load their siblings relative to themselves.
  base: "./",
  html: {
    // Replaced by the server with a fresh nonce per page load (see server/src/http/web-ui.ts).
    cspNonce: "WEFT_CSP_NONCE",
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    target: "es2022",
    reportCompressedSize: false,
  },
  server: {
    // `npm run dev -w web` next to `npm start`: the API stays same-origin through the proxy.
    proxy: {
      "/api": { target: "http://127.0.0.1:8080", ws: true },
      "/hooks": "http://127.0.0.1:8080",
    },
  },
});
