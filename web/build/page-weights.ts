/** What a chunk of the build says of itself, as much as the page weights need. */
export interface ChunkInfo {
  fileName: string;
  name: string;
  isEntry: boolean;
  /** Files it imports statically: they load with it. */
  imports: string[];
  /** Files it imports with `import()`: they load when the code asks. */
  dynamicImports: string[];
}

export interface PageWeight {
  /** The page's chunk name, as the router loads it. */
  page: string;
  /** Gzipped bytes before the page can show: the entry and the page with their static imports. */
  firstLoad: number;
  /** The heaviest part the page loads later (a chart, the graph, the editor), and its name. */
  deferred: { name: string; bytes: number } | undefined;
}

/**
 * The weight of landing on each page. Pages are the chunks the entry loads with `import()`
 * (the router's lazy routes); the parts a page itself loads with `import()` come after it has
 * shown, each behind a loading state, so they count apart: the heaviest one is reported.
 */
export function pageWeights(chunks: ChunkInfo[], gzipped: Map<string, number>): PageWeight[] {
  const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const closure = (roots: string[]) => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const imported of byFile.get(file)?.imports ?? []) visit(imported);
    };
    for (const root of roots) visit(root);
    return seen;
  };
  const bytes = (files: Iterable<string>) =>
    [...files].reduce((sum, file) => sum + (gzipped.get(file) ?? 0), 0);

  const entry = closure(chunks.filter((chunk) => chunk.isEntry).map((chunk) => chunk.fileName));
  const pageFiles = new Set([...entry].flatMap((file) => byFile.get(file)?.dynamicImports ?? []));
  const weights = [...pageFiles].map((pageFile): PageWeight => {
    const first = new Set([...entry, ...closure([pageFile])]);
    // Each part the page can load later, with what loaded before it on the way there (a tab
    // that then loads an editor counts both).
    let deferred: PageWeight["deferred"];
    const queue = [...first].flatMap((file) =>
      (byFile.get(file)?.dynamicImports ?? []).map((part) => ({ part, loaded: first })),
    );
    const reached = new Set<string>();
    while (queue.length > 0) {
      const { part, loaded } = queue.shift()!;
      if (reached.has(part) || loaded.has(part) || pageFiles.has(part)) continue;
      reached.add(part);
      const now = new Set([...loaded, ...closure([part])]);
      const extra = bytes([...now].filter((file) => !first.has(file)));
      if (!deferred || extra > deferred.bytes)
        deferred = { name: byFile.get(part)?.name ?? part, bytes: extra };
      for (const file of now)
        if (!loaded.has(file))
          for (const next of byFile.get(file)?.dynamicImports ?? [])
            queue.push({ part: next, loaded: now });
    }
    return { page: byFile.get(pageFile)?.name ?? pageFile, firstLoad: bytes(first), deferred };
  });
  return weights.length > 0
    ? weights
    : [{ page: "(entry only)", firstLoad: bytes(entry), deferred: undefined }];
}
