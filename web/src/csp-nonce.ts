/**
 * The nonce the server put in index.html for this page load. The page's CSP allows a
 * `<style>` element only when it carries it: Mantine's few style elements (breakpoint classes,
 * AppShell sizes) do, and so must any other library's (CodeMirror's `EditorView.cspNonce`).
 */
export function styleNonce(): string | undefined {
  return document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce || undefined;
}

/**
 * Hands the nonce to the style injectors that read it from the `__webpack_nonce__` global
 * (react-style-singleton, through get-nonce: the scroll lock of Mantine's Modal and Drawer).
 * Without it, opening a modal adds a style element the page's CSP refuses.
 */
export function shareStyleNonce(): void {
  const nonce = styleNonce();
  if (nonce) (globalThis as { __webpack_nonce__?: string }).__webpack_nonce__ = nonce;
}
