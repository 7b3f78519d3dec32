/** Splitting strings into text and `{{ … }}` placeholders, skipping braces inside quotes. */

export type Segment = { kind: "text"; text: string } | { kind: "expression"; source: string };

/** `unclosedAt` is the index of a `{{` that no `}}` closes; text from there on stays as it is. */
export type Template = { segments: Segment[]; unclosedAt?: number };

/** Splits text into literal parts and placeholder sources (the text between `{{` and `}}`). */
export function scanTemplate(text: string): Template {
  const segments: Segment[] = [];
  let from = 0;

  while (from < text.length) {
    const open = text.indexOf("{{", from);
    if (open === -1) break;
    const close = findClose(text, open + 2);
    if (close === -1) {
      pushText(segments, text.slice(from));
      return { segments, unclosedAt: open };
    }
    pushText(segments, text.slice(from, open));
    segments.push({ kind: "expression", source: text.slice(open + 2, close) });
    from = close + 2;
  }

  pushText(segments, text.slice(from));
  return { segments };
}

function pushText(segments: Segment[], text: string): void {
  if (text !== "") segments.push({ kind: "text", text });
}

/**
 * Finds the `}}` that ends a placeholder, skipping strings, comments and balanced braces, so
 * `{{ {"a": {"b": 1}} }}` is one expression. If the scan finds none (say, a stray quote), the
 * first plain `}}` is taken and the parser reports the real fault.
 */
function findClose(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (char === '"' || char === "'" || char === "`") {
      i = skipQuoted(text, i);
    } else if (char === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end === -1 ? text.length : end + 1;
    } else if (char === "{") {
      depth++;
    } else if (char === "}" && depth > 0) {
      depth--;
    } else if (char === "}" && text[i + 1] === "}") {
      return i;
    }
  }
  return text.indexOf("}}", from);
}

/** Returns the index of the quote that closes the one at `start`, or the text's length. */
function skipQuoted(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === quote) return i;
  }
  return text.length;
}
