import { Chunk } from "@codemirror/merge";
import type { Text } from "@codemirror/state";

/** How many lines a change removed and added, counted over the diff's chunks. */
export interface DiffCount {
  removed: number;
  added: number;
}

/** Counts the whole lines each chunk of the diff from `a` to `b` covers on either side. */
export function countChangedLines(a: Text, b: Text): DiffCount {
  let removed = 0;
  let added = 0;
  for (const chunk of Chunk.build(a, b)) {
    removed += linesIn(a, chunk.fromA, chunk.toA);
    added += linesIn(b, chunk.fromB, chunk.toB);
  }
  return { removed, added };
}

/** "No differences", "1 line removed, 2 added" and the like, for people and screen readers. */
export function diffSummary({ removed, added }: DiffCount): string {
  if (removed === 0 && added === 0) return "No differences";
  const lines = (n: number) => (n === 1 ? "1 line" : `${n} lines`);
  if (removed === 0) return `${lines(added)} added`;
  if (added === 0) return `${lines(removed)} removed`;
  return `${lines(removed)} removed, ${added} added`;
}

/** A chunk's `to` is one past its last line's end (maybe past the document), or `from` if empty. */
function linesIn(doc: Text, from: number, to: number): number {
  if (to <= from) return 0;
  const last = doc.lineAt(Math.min(to - 1, doc.length));
  return last.number - doc.lineAt(from).number + 1;
}
