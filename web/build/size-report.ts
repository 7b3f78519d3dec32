import { gzipSync } from "node:zlib";
import type { Plugin, Rolldown } from "vite";

type Bundle = Rolldown.OutputBundle;
type Chunk = Rolldown.OutputChunk;

/**
 * Prints every chunk's raw and gzipped size, and fails the build when the JavaScript a first
 * page loads (the entry, its static imports, and the page's own chunk with its imports)
 * passes `budgetKb` gzipped, for whichever page is the heaviest to land on.
 */
export function sizeReport(budgetKb: number): Plugin {
  return {
    name: "weft:size-report",
    apply: "build",
    generateBundle(_options, bundle) {
      const gzipped = new Map<string, number>();
      const rows: string[] = [];
      for (const file of Object.values(bundle)) {
        const source = file.type === "chunk" ? file.code : file.source;
        const raw = Buffer.byteLength(source);
        const gz = gzipSync(source, { level: 9 }).length;
        gzipped.set(file.fileName, gz);
        rows.push(`  ${file.fileName.padEnd(48)} ${kb(raw).padStart(10)} ${kb(gz).padStart(10)}`);
      }
      const chunks = Object.values(bundle).filter((f): f is Chunk => f.type === "chunk");
      const closure = (roots: Chunk[]) => staticClosure(roots, bundle);
      const entries = chunks.filter((chunk) => chunk.isEntry);
      const entryFiles = closure(entries);
      const pages = chunks.filter((chunk) => chunk.isDynamicEntry);
      const firstPages = (pages.length > 0 ? pages : [undefined]).map((page) => {
        const files = new Set([...entryFiles, ...(page ? closure([page]) : [])]);
        const size = [...files].reduce((sum, name) => sum + (gzipped.get(name) ?? 0), 0);
        return { name: page?.name ?? "(entry only)", size };
      });
      const heaviest = firstPages.reduce((a, b) => (b.size > a.size ? b : a));
      const entrySize = [...entryFiles].reduce((sum, name) => sum + (gzipped.get(name) ?? 0), 0);

      const out = [
        `  ${"file".padEnd(48)} ${"raw".padStart(10)} ${"gzip".padStart(10)}`,
        ...rows.sort(),
        `entry JavaScript (gzip): ${kb(entrySize)}`,
        `first page JavaScript (gzip), heaviest is ${heaviest.name}: ${kb(heaviest.size)} ` +
          `of a ${budgetKb} KB budget`,
      ];
      this.info(`bundle sizes\n${out.join("\n")}`);
      if (heaviest.size > budgetKb * 1024) {
        this.error(
          `the first page's JavaScript is ${kb(heaviest.size)} gzipped (landing on ` +
            `${heaviest.name}), over the ${budgetKb} KB budget: split it or drop a dependency`,
        );
      }
    },
  };
}

function staticClosure(roots: Chunk[], bundle: Bundle): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const file = bundle[name];
    if (file?.type === "chunk") for (const imported of file.imports) visit(imported);
  };
  for (const root of roots) visit(root.fileName);
  return seen;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
