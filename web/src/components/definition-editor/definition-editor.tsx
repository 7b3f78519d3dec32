import {
  history,
  historyKeymap,
  indentWithTab,
  standardKeymap,
  toggleComment,
} from "@codemirror/commands";
import { lintGutter, lintKeymap, setDiagnostics } from "@codemirror/lint";
import { Compartment, EditorSelection, EditorState } from "@codemirror/state";
import { EditorView, highlightActiveLine, keymap } from "@codemirror/view";
import { Alert, Anchor, List, Stack, Text } from "@mantine/core";
import { useEffect, useId, useRef } from "react";
import { definitionViewBasics } from "./editor-extensions.ts";
import { type EditorIssue, issueText } from "./editor-issue.ts";
import { issueDiagnostics, offsetOf, unplacedIssues } from "./issue-diagnostics.ts";

export interface DefinitionEditorProps {
  value: string;
  onChange?(value: string): void;
  readOnly?: boolean;
  /** The server's issues; those with a line show there, the others above the editor. */
  issues?: readonly EditorIssue[];
  /** The editor's accessible name. */
  label: string;
}

const NO_ISSUES: readonly EditorIssue[] = [];

/**
 * A workflow definition in a CodeMirror editor, controlled like an input: `value` in,
 * `onChange` out. Issues become lint marks at their lines, and a list below the editor
 * moves the cursor to each. Tab indents; Escape then Tab leaves, so focus is never trapped.
 */
export function DefinitionEditor({
  value,
  onChange,
  readOnly = false,
  issues = NO_ISSUES,
  label,
}: DefinitionEditorProps) {
  const parent = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const editable = useRef(new Compartment());
  const changed = useRef(onChange);
  changed.current = onChange;
  const helpId = useId();

  // The view is made once; the effects below carry later props into it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: value and readOnly only seed it.
  useEffect(() => {
    const created = new EditorView({
      parent: parent.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          definitionViewBasics(label),
          EditorView.contentAttributes.of({ "aria-describedby": helpId }),
          history(),
          highlightActiveLine(),
          lintGutter(),
          keymap.of([...standardKeymap, ...historyKeymap, ...lintKeymap, ...editingKeys]),
          editable.current.of(editability(readOnly)),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) changed.current?.(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = created;
    return () => {
      created.destroy();
      view.current = null;
    };
  }, [label, helpId]);

  useEffect(() => {
    const current = view.current;
    if (!current || current.state.doc.toString() === value) return;
    current.dispatch({ changes: { from: 0, to: current.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: editable.current.reconfigure(editability(readOnly)) });
  }, [readOnly]);

  useEffect(() => {
    const current = view.current;
    if (!current) return;
    current.dispatch(setDiagnostics(current.state, issueDiagnostics(current.state.doc, issues)));
  }, [issues]);

  const goTo = (issue: EditorIssue) => {
    const current = view.current;
    if (!current || issue.line === undefined) return;
    const at = offsetOf(current.state.doc, issue.line, issue.column);
    current.dispatch({ selection: EditorSelection.cursor(at), scrollIntoView: true });
    current.focus();
  };
  const unplaced = unplacedIssues(issues);
  // In the order of the text, whatever order the checks found them in.
  const placed = issues
    .filter((issue) => issue.line !== undefined)
    .sort((a, b) => a.line! - b.line! || (a.column ?? 0) - (b.column ?? 0));

  return (
    <Stack gap="xs">
      <Text id={helpId} size="sm" c="dimmed">
        {readOnly
          ? "Read only."
          : "YAML (or JSON). Tab indents; press Escape, then Tab, to move out of the editor."}
      </Text>
      {unplaced.length > 0 ? (
        <Alert color="red" title="Problems in the whole definition" role="alert">
          <List size="sm">
            {unplaced.map((issue) => (
              <List.Item key={`${issue.path}:${issue.message}`}>{issueText(issue)}</List.Item>
            ))}
          </List>
        </Alert>
      ) : null}
      <div ref={parent} data-testid="definition-editor" />
      {placed.length > 0 ? (
        <List size="sm" aria-label="Problems by line" data-testid="definition-problems">
          {placed.map((issue) => (
            <List.Item key={`${issue.line}:${issue.column}:${issue.path}:${issue.message}`}>
              <Anchor component="button" type="button" size="sm" onClick={() => goTo(issue)}>
                Line {issue.line}
              </Anchor>
              : {issueText(issue)}
            </List.Item>
          ))}
        </List>
      ) : null}
    </Stack>
  );
}

/**
 * The standard keys plus YAML's few editing ones; CodeMirror's full default keymap would
 * weigh on every page that loads the editor for keys a definition rarely needs.
 */
const editingKeys = [{ key: "Mod-/", run: toggleComment }, indentWithTab];

/** Read-only still lets the cursor move and text be selected, so the keyboard can read it all. */
function editability(readOnly: boolean) {
  return [
    EditorState.readOnly.of(readOnly),
    EditorView.contentAttributes.of({ "aria-readonly": String(readOnly) }),
  ];
}
