import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderInTheme } from "../../render.tsx";
import { STEP_STATUSES, StepGraph } from "./step-graph.tsx";
import type { GraphStep } from "./step-layout.ts";

const steps: GraphStep[] = [
  { id: "fetch", type: "http", needs: [] },
  { id: "notify", type: "log", needs: ["fetch"], if: "steps.fetch.output.ok" },
];

const nodeOf = (id: string) => document.querySelector<HTMLElement>(`[data-step-id="${id}"]`)!;

describe("StepGraph", () => {
  it("shows each step's id, type and condition, and no status without a run", () => {
    renderInTheme(<StepGraph steps={steps} />);
    expect(within(nodeOf("fetch")).getByText("http")).toBeDefined();
    expect(
      within(nodeOf("notify")).getByLabelText("Condition: steps.fetch.output.ok"),
    ).toBeDefined();
    expect(nodeOf("fetch").dataset.status).toBeUndefined();
    expect(screen.queryByLabelText("Status colours")).toBeNull();
  });

  it("labels every node for the keyboard and screen readers, focusable in turn", () => {
    renderInTheme(<StepGraph steps={steps} statuses={{ fetch: "running" }} />);
    const node = screen.getByRole("group", {
      name:
        "Step notify, type log, runs only if steps.fetch.output.ok, needs fetch, " +
        "status pending",
    });
    expect(node.tabIndex).toBe(0);
    expect(screen.getByRole("group", { name: /^Step fetch, .*status running$/ })).toBeDefined();
  });

  it("gives each step its status in words, pending when the run has none, with a legend", () => {
    renderInTheme(<StepGraph steps={steps} statuses={{ fetch: "succeeded" }} />);
    expect(within(nodeOf("fetch")).getByText("succeeded")).toBeDefined();
    expect(within(nodeOf("notify")).getByText("pending")).toBeDefined();
    const legend = screen.getByLabelText("Status colours");
    for (const status of STEP_STATUSES) expect(within(legend).getByText(status)).toBeDefined();
  });
});
