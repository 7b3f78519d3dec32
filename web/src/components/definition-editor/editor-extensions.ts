import { yaml } from "@codemirror/lang-yaml";
import { defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import type { Extension } from "@codemirror/state";
import { EditorView, lineNumbers } from "@codemirror/view";
import { styleNonce } from "../../csp-nonce.ts";

/**
 * What every definition view shares, editable or not: YAML highlighting, line numbers,
 * wrapped lines (no sideways scrolling on a phone), the look, and the page's CSP nonce,
 * without which the browser refuses the style element CodeMirror adds.
 */
export function definitionViewBasics(label: string): Extension[] {
  const nonce = styleNonce();
  return [
    nonce ? EditorView.cspNonce.of(nonce) : [],
    EditorView.contentAttributes.of({ "aria-label": label }),
    yaml(),
    syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
    lineNumbers(),
    EditorView.lineWrapping,
    definitionTheme,
  ];
}

const definitionTheme = EditorView.theme({
  "&": {
    fontSize: "var(--mantine-font-size-sm)",
    border: "1px solid var(--mantine-color-default-border)",
    borderRadius: "var(--mantine-radius-sm)",
    backgroundColor: "var(--mantine-color-body)",
    maxHeight: "70vh",
  },
  "&.cm-focused": {
    outline: "2px solid var(--mantine-primary-color-filled)",
    outlineOffset: "1px",
  },
  ".cm-scroller": {
    fontFamily: "var(--mantine-font-family-monospace)",
    overflow: "auto",
  },
  ".cm-content, .cm-gutter": { minHeight: "10rem" },
});
