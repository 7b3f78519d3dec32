import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Plugin } from "vite";

const COMPRESSIBLE = /\.(js|css|svg|json|txt|map)$/;
/** Below this, a compressed copy saves less than its headers cost. */
const MIN_BYTES = 1024;

/**
 * Writes a `.gz` and a `.br` beside each compressible asset, once at build time, so that the
 * server sends them (`preCompressed`) without compressing on every request.
 */
export function precompress(): Plugin {
  let outDir = "dist";
  return {
    name: "weft:precompress",
    apply: "build",
    configResolved(config) {
      // `outDir` may be absolute (`vite build --outDir /tmp/x`): resolve, do not join.
      outDir = join(resolve(config.root, config.build.outDir), config.build.assetsDir);
    },
    writeBundle() {
      for (const file of readdirSync(outDir)) {
        const path = join(outDir, file);
        if (!COMPRESSIBLE.test(file) || statSync(path).size < MIN_BYTES) continue;
        const source = readFileSync(path);
        writeFileSync(`${path}.gz`, gzipSync(source, { level: 9 }));
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(source, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: source.length,
            },
          }),
        );
      }
    },
  };
}
