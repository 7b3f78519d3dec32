import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { renderInTheme } from "../../render.tsx";
import { RunDialog } from "./run-dialog.tsx";

function renderDialog(onStarted: (runId: string) => void) {
  renderInTheme(
    <QueryClientProvider client={new QueryClient()}>
      <RunDialog
        workflowId="wf_1"
        workflowName="nightly-report"
        opened
        onClose={() => {}}
        onStarted={onStarted}
      />
    </QueryClientProvider>,
  );
  return screen.getByRole("textbox", { name: /Input \(JSON\)/ });
}

describe("RunDialog", () => {
  it("offers {} as the input", () => {
    expect(renderDialog(() => {}).getAttribute("aria-invalid")).not.toBe("true");
    expect((screen.getByRole("textbox", { name: /Input/ }) as HTMLTextAreaElement).value).toBe(
      "{}",
    );
  });

  it("shows the parser's message at the field for text not JSON, and sends nothing", async () => {
    const fetch = vi.spyOn(globalThis, "fetch");
    const onStarted = vi.fn();
    const field = renderDialog(onStarted);
    await userEvent.clear(field);
    await userEvent.paste("[1, 2");
    await userEvent.click(screen.getByRole("button", { name: "Start run" }));

    let expected = "";
    try {
      JSON.parse("[1, 2");
    } catch (error) {
      expected = (error as Error).message;
    }
    expect(screen.getByText(expected)).toBeDefined();
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(fetch).not.toHaveBeenCalled();
    expect(onStarted).not.toHaveBeenCalled();

    // Editing the field clears the message until the next try.
    await userEvent.click(field);
    await userEvent.paste("]");
    expect(screen.queryByText(expected)).toBeNull();
    fetch.mockRestore();
  });
});
