import { styleNonce } from "../../csp-nonce.ts";

/** The id react-draggable (under react-grid-layout) looks its style element up by. */
const ID = "react-draggable-style-el";

/**
 * react-draggable adds a `<style>` to the page on the first drag, without this page's nonce,
 * which the CSP blocks, unless an element with its id is there already: this one is, with the
 * nonce and the same rules (no text selection flickers while a widget is dragged).
 */
export function provideDraggableStyle(): void {
  if (document.getElementById(ID)) return;
  const style = document.createElement("style");
  style.id = ID;
  const nonce = styleNonce();
  if (nonce) style.nonce = nonce;
  style.textContent =
    ".react-draggable-transparent-selection *::-moz-selection {all: inherit;}\n" +
    ".react-draggable-transparent-selection *::selection {all: inherit;}\n";
  document.head.append(style);
}
