import { gzipSync } from "node:zlib";
import type { Plugin, Rolldown } from "vite";
import { pageWeights } from "./page-weights.ts";

export interface Budgets {
  /** Gzipped KB before the heaviest page can show: the entry and the page's own chunk. */
  firstLoadKb: number;
  /** Gzipped KB with the heaviest part a page loads after it shows (chart, graph, editor). */
  withDeferredKb: number;
}

/**
 * Prints every file's raw and gzipped size and each page's weight, and fails the build when
 * the heaviest page passes either budget.
 */
export function sizeReport(budgets: Budgets): Plugin {
  return {
    name: "weft:size-report",
    apply: "build",
    generateBundle(_options, bundle) {
      const gzipped = new Map<string, number>();
      const rows: string[] = [];
      for (const file of Object.values(bundle)) {
        const source = file.type === "chunk" ? file.code : file.source;
        const gz = gzipSync(source, { level: 9 }).length;
        gzipped.set(file.fileName, gz);
        const raw = Buffer.byteLength(source);
        rows.push(`  ${file.fileName.padEnd(48)} ${kb(raw).padStart(10)} ${kb(gz).padStart(10)}`);
      }
      const chunks = Object.values(bundle).filter(
        (file): file is Rolldown.OutputChunk => file.type === "chunk",
      );
      const weights = pageWeights(chunks, gzipped).sort((a, b) => b.firstLoad - a.firstLoad);
      const total = (w: (typeof weights)[number]) => w.firstLoad + (w.deferred?.bytes ?? 0);
      const heaviestFirst = weights[0]!;
      const heaviestTotal = weights.reduce((a, b) => (total(b) > total(a) ? b : a));

      const out = [
        `  ${"file".padEnd(48)} ${"raw".padStart(10)} ${"gzip".padStart(10)}`,
        ...rows.sort(),
        "pages (gzip): first load, then the heaviest part loaded after the page shows",
        ...weights.map(
          (w) =>
            `  ${w.page.padEnd(28)} ${kb(w.firstLoad).padStart(10)}` +
            (w.deferred ? `   + ${kb(w.deferred.bytes)} (${w.deferred.name})` : ""),
        ),
        `first page JavaScript (gzip), heaviest is ${heaviestFirst.page}: ` +
          `${kb(heaviestFirst.firstLoad)} of a ${budgets.firstLoadKb} KB budget`,
        `with its heaviest later part, heaviest is ${heaviestTotal.page}: ` +
          `${kb(total(heaviestTotal))} of a ${budgets.withDeferredKb} KB budget`,
      ];
      this.info(`bundle sizes\n${out.join("\n")}`);
      if (heaviestFirst.firstLoad > budgets.firstLoadKb * 1024)
        this.error(
          `the first page's JavaScript is ${kb(heaviestFirst.firstLoad)} gzipped (landing on ` +
            `${heaviestFirst.page}), over the ${budgets.firstLoadKb} KB budget: split it or ` +
            "drop a dependency",
        );
      if (total(heaviestTotal) > budgets.withDeferredKb * 1024)
        this.error(
          `${heaviestTotal.page} with ${heaviestTotal.deferred?.name} is ` +
            `${kb(total(heaviestTotal))} gzipped, over the ${budgets.withDeferredKb} KB budget`,
        );
    },
  };
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
