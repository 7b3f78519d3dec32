import { Center, Loader } from "@mantine/core";
import { lazy, Suspense } from "react";
import type { DefinitionDiffProps } from "./definition-diff.tsx";
import type { DefinitionEditorProps } from "./definition-editor.tsx";

/**
 * The editor and the diff, loaded when first shown: CodeMirror is the heaviest code in the
 * app, and the pages that show a definition are light without it (the first page a browser
 * lands on must stay within the bundle budget).
 */

const Editor = lazy(async () => ({
  default: (await import("./definition-editor.tsx")).DefinitionEditor,
}));

const Diff = lazy(async () => ({
  default: (await import("./definition-diff.tsx")).DefinitionDiff,
}));

/** DefinitionEditor, with a loader while CodeMirror arrives. */
export function LazyDefinitionEditor(props: DefinitionEditorProps) {
  return (
    <Suspense fallback={<ViewLoading label="Loading the editor" />}>
      <Editor {...props} />
    </Suspense>
  );
}

/** DefinitionDiff, with a loader while CodeMirror arrives. */
export function LazyDefinitionDiff(props: DefinitionDiffProps) {
  return (
    <Suspense fallback={<ViewLoading label="Loading the diff" />}>
      <Diff {...props} />
    </Suspense>
  );
}

function ViewLoading({ label }: { label: string }) {
  return (
    <Center p="xl">
      <Loader aria-label={label} />
    </Center>
  );
}
