import { MantineProvider } from "@mantine/core";
import { screen } from "@testing-library/react";
import { beforeAll, describe, expect, it } from "vitest";
import { renderInTheme } from "../../render.tsx";
import { theme } from "../../theme.ts";
import { DefinitionEditor } from "./definition-editor.tsx";
import type { EditorIssue } from "./editor-issue.ts";

const TEXT = "name: demo\nsteps:\n  - id: a\n    type: nope\n";

function Editor({ issues = [] }: { issues?: EditorIssue[] }) {
  return <DefinitionEditor value={TEXT} onChange={() => {}} issues={issues} label="Definition" />;
}

// jsdom lays nothing out; CodeMirror measures text ranges, so they answer with no boxes.
beforeAll(() => {
  const none = () => Object.assign([], { item: () => null }) as unknown as DOMRectList;
  Range.prototype.getClientRects ??= none;
  Range.prototype.getBoundingClientRect ??= () => new DOMRect();
});

const content = () => screen.getByRole("textbox", { name: "Definition" });

describe("DefinitionEditor", () => {
  it("names its content element and says how to leave it with the keyboard", () => {
    renderInTheme(<Editor />);
    expect(content().textContent).toContain("type: nope");
    const help = document.getElementById(content().getAttribute("aria-describedby")!);
    expect(help?.textContent).toMatch(/Escape, then Tab/);
  });

  it("marks each placed issue at its line, in the text and in the lint gutter", () => {
    const issues = [{ path: "steps[0].type", message: "unknown type", line: 4, column: 11 }];
    renderInTheme(<Editor issues={issues} />);
    const marked = document.querySelector(".cm-lintRange-error");
    expect(marked?.textContent).toBe("    type: nope");
    expect(document.querySelectorAll(".cm-lint-marker-error")).toHaveLength(1);
  });

  it("lists placed issues by line, and the others in an alert above the editor", () => {
    // As the server may send them: by check, not by line.
    const issues = [
      { path: "steps[0].type", message: "unknown type", line: 4, column: 11 },
      { path: "", message: "the definition nests too deep" },
      { path: "name", message: "too long", line: 1, column: 7 },
    ];
    renderInTheme(<Editor issues={issues} />);
    const byLine = screen.getByRole("list", { name: "Problems by line" });
    expect([...byLine.querySelectorAll("li")].map((li) => li.textContent)).toEqual([
      "Line 1: name: too long",
      "Line 4: steps[0].type: unknown type",
    ]);
    expect(screen.getByRole("alert").textContent).toContain("the definition nests too deep");
  });

  it("takes a new value from outside, and is read only when asked", () => {
    const { rerender } = renderInTheme(
      <DefinitionEditor value={TEXT} readOnly label="Definition" />,
    );
    expect(content().getAttribute("aria-readonly")).toBe("true");
    rerender(
      <MantineProvider theme={theme}>
        <DefinitionEditor value="name: other" label="Definition" />
      </MantineProvider>,
    );
    expect(content().textContent).toBe("name: other");
    expect(content().getAttribute("aria-readonly")).toBe("false");
  });
});
