import { MergeView, unifiedMergeView } from "@codemirror/merge";
import { EditorState, type Extension, Text as Doc } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { Text } from "@mantine/core";
import { useEffect, useMemo, useRef } from "react";
import { countChangedLines, diffSummary } from "./diff-summary.ts";
import { definitionViewBasics } from "./editor-extensions.ts";

export type DiffLayout = "unified" | "side-by-side";

export interface DefinitionDiffProps {
  /** The older text and its name ("Version 1"). */
  original: { text: string; label: string };
  /** The newer text and its name. */
  modified: { text: string; label: string };
  /** Unified fits a phone; side by side needs a wide screen. */
  layout: DiffLayout;
}

const COLLAPSE = { margin: 3, minSize: 6 };

/** Two versions of a definition, read only, their changes marked, with a count of lines. */
export function DefinitionDiff({ original, modified, layout }: DefinitionDiffProps) {
  const parent = useRef<HTMLDivElement>(null);
  const summary = useMemo(
    () => diffSummary(countChangedLines(toDoc(original.text), toDoc(modified.text))),
    [original.text, modified.text],
  );

  useEffect(() => {
    const target = parent.current!;
    const readOnly = (label: string): Extension[] => [
      definitionViewBasics(label),
      EditorState.readOnly.of(true),
    ];
    if (layout === "side-by-side") {
      const view = new MergeView({
        a: { doc: original.text, extensions: readOnly(original.label) },
        b: { doc: modified.text, extensions: readOnly(modified.label) },
        parent: target,
        collapseUnchanged: COLLAPSE,
      });
      return () => view.destroy();
    }
    const view = new EditorView({
      parent: target,
      state: EditorState.create({
        doc: modified.text,
        extensions: [
          readOnly(`${modified.label}, with the lines changed since ${original.label}`),
          unifiedMergeView({
            original: original.text,
            mergeControls: false,
            collapseUnchanged: COLLAPSE,
          }),
        ],
      }),
    });
    return () => view.destroy();
  }, [original.text, original.label, modified.text, modified.label, layout]);

  return (
    <div>
      <Text size="sm" mb="xs" data-testid="diff-summary">
        {original.label} → {modified.label}: {summary}
      </Text>
      <div ref={parent} data-testid="definition-diff" />
    </div>
  );
}

function toDoc(text: string): Doc {
  return Doc.of(text.split(/\r\n?|\n/));
}
