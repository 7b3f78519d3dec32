/**
 * The nonce the server put in index.html for this page load. The page's CSP allows a
 * `<style>` element only when it carries it: Mantine's few style elements (breakpoint classes,
 * AppShell sizes) do, and so must any other library's (CodeMirror's `EditorView.cspNonce`).
 */
export function styleNonce(): string | undefined {
  return document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce || undefined;
}
