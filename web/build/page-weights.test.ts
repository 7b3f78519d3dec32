import { describe, expect, it } from "vitest";
import { type ChunkInfo, pageWeights } from "./page-weights.ts";

const chunk = (fileName: string, parts: Partial<ChunkInfo> = {}): ChunkInfo => ({
  fileName,
  name: fileName.replace(/\.js$/, ""),
  isEntry: false,
  imports: [],
  dynamicImports: [],
  ...parts,
});

// entry (100) + shared (10) ─import()→ page-a (5) ─import()→ tab (1) → editor (50)
//                                                   └import()→ chart (30)
//                           ─import()→ page-b (7) → shared
const chunks = [
  chunk("entry.js", {
    isEntry: true,
    imports: ["shared.js"],
    dynamicImports: ["page-a.js", "page-b.js"],
  }),
  chunk("shared.js"),
  chunk("page-a.js", { dynamicImports: ["tab.js", "chart.js"] }),
  chunk("tab.js", { imports: ["editor.js"], dynamicImports: ["page-b.js"] }),
  chunk("editor.js"),
  chunk("chart.js"),
  chunk("page-b.js", { imports: ["shared.js"] }),
];
const sizes = new Map([
  ["entry.js", 100],
  ["shared.js", 10],
  ["page-a.js", 5],
  ["tab.js", 1],
  ["editor.js", 50],
  ["chart.js", 30],
  ["page-b.js", 7],
]);

describe("pageWeights", () => {
  const weights = new Map(pageWeights(chunks, sizes).map((w) => [w.page, w]));

  it("counts the entry, the page and their static imports once each as the first load", () => {
    expect(weights.get("page-a")?.firstLoad).toBe(115);
    // shared.js is the entry's already.
    expect(weights.get("page-b")?.firstLoad).toBe(117);
  });

  it("reports the heaviest later part with what loads on the way to it", () => {
    expect(weights.get("page-a")?.deferred).toEqual({ name: "tab", bytes: 51 });
    expect(weights.get("page-b")?.deferred).toBeUndefined();
  });

  it("treats only the entry's import() targets as pages, not another page's", () => {
    expect([...weights.keys()].sort()).toEqual(["page-a", "page-b"]);
  });

  it("falls back to the entry alone when nothing is split", () => {
    expect(pageWeights([chunk("entry.js", { isEntry: true })], sizes)).toEqual([
      { page: "(entry only)", firstLoad: 100, deferred: undefined },
    ]);
  });
});
