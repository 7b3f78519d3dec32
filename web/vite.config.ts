import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { precompress } from "./build/compress.ts";
import { sizeReport } from "./build/size-report.ts";

/** The first page's JavaScript budget, gzipped (the figure). */
const FIRST_PAGE_BUDGET_KB = 250;

export default defineConfig({
  plugins: [react(), sizeReport(FIRST_PAGE_BUDGET_KB), precompress()],
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
