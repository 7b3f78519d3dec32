import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
} from "yaml";
import type { Issue } from "../errors.ts";

/**
 * Where in a definition's text each issue lies. Validation reports paths such as
 * `steps[1].with.url`; an editor needs a line and column. The text is parsed again with
 * `yaml` (a superset of JSON, so one parser serves both) only when there are issues to place.
 */

/** How an unknown key's message starts (see zodIssues): it is placed at the key, not its value. */
export const UNKNOWN_KEY_MESSAGE = "Unrecognized key";

type Segment = string | number;

interface Span {
  start: number;
  /** Set when the span is one scalar, so an editor can underline exactly it. */
  end?: number;
}

/** Returns the issues with `line` and `column` (1-based) of the node each path names. */
export function locateIssues(source: string, issues: readonly Issue[]): Issue[] {
  if (issues.every((issue) => issue.line !== undefined)) return [...issues];
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter });

  return issues.map((issue) => {
    if (issue.line !== undefined) return issue;
    const span = findSpan(
      doc,
      parsePath(issue.path),
      issue.message.startsWith(UNKNOWN_KEY_MESSAGE),
    );
    if (!span) return issue;
    const from = lineCounter.linePos(span.start);
    const located: Issue = { ...issue, line: Math.max(from.line, 1), column: from.col };
    if (span.end === undefined) return located;
    const to = lineCounter.linePos(span.end);
    return { ...located, endLine: Math.max(to.line, 1), endColumn: to.col };
  });
}

/** The 1-based line and column of an offset into `source` (for parsers that give offsets). */
export function positionOf(source: string, offset: number): { line: number; column: number } {
  const before = source.slice(0, Math.max(0, offset));
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: before.length - lineStart + 1 };
}

/** `steps[1].with.url` → ["steps", 1, "with", "url"]; "" is the document itself. */
export function parsePath(path: string): Segment[] {
  const segments: Segment[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(match[1]!);
  }
  return segments;
}

/**
 * Walks the document along `segments`. A segment that is not there (a missing key, an index
 * past the end) stops the walk at its parent, which is where the fault can be fixed.
 */
function findSpan(doc: Document, segments: Segment[], atKey: boolean): Span | undefined {
  let node: unknown = doc.contents;
  for (const [i, segment] of segments.entries()) {
    const collection = resolve(doc, node);
    const last = i === segments.length - 1;

    if (isMap(collection)) {
      const pair = collection.items.find((p) => isPair(p) && keyText(p.key) === String(segment));
      if (!pair) return spanOf(collection);
      const value = resolve(doc, pair.value);
      // An unknown key, or a key given no value at all, is best shown at the key itself.
      if (last && (atKey || value === null || value === undefined)) return spanOf(pair.key);
      node = pair.value;
    } else if (isSeq(collection) && typeof segment === "number") {
      const item = collection.items[segment];
      if (item === undefined) return spanOf(collection);
      node = item;
    } else {
      return spanOf(collection);
    }
  }
  return spanOf(resolve(doc, node));
}

function resolve(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

function spanOf(node: unknown): Span | undefined {
  const range = (node as Node | null)?.range;
  if (!range) return undefined;
  return isScalar(node) ? { start: range[0], end: range[1] } : { start: range[0] };
}
