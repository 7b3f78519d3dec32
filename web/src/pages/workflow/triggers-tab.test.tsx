import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { WorkflowDetail } from "../../api/answers.ts";
import { renderInTheme } from "../../render.tsx";
import { TriggersTab } from "./triggers-tab.tsx";

const URL_OF_HOOK = "http://127.0.0.1:8080/hooks/wf_1/wfh_secret";
const UPCOMING = [
  "2026-03-09T08:00:00.000Z",
  "2026-03-10T08:00:00.000Z",
  "2026-03-11T08:00:00.000Z",
  "2026-03-12T08:00:00.000Z",
  "2026-03-13T08:00:00.000Z",
];

/** The workflow as the API shows it to an editor, or (without the URL) to a viewer. */
function workflowFor(role: "editor" | "viewer", paused = false): WorkflowDetail {
  return {
    id: "wf_1",
    name: "nightly-report",
    description: "",
    tags: [],
    version: 1,
    archived: false,
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    definition: {
      name: "nightly-report",
      description: "",
      tags: [],
      triggers: [],
      steps: [{ id: "a", type: "log", needs: [], with: {} }],
    },
    triggers: [
      { id: "manual", type: "manual" },
      {
        id: "webhook",
        type: "webhook",
        verify: "token",
        ...(role === "editor" ? { url: URL_OF_HOOK } : {}),
      },
      {
        id: "schedule",
        type: "schedule",
        cron: "0 9 * * 1-5",
        timezone: "Europe/Berlin",
        catchUp: "latest",
        nextFireAt: UPCOMING[0]!,
        upcoming: paused ? [] : UPCOMING,
        paused,
      },
    ],
  };
}

function renderTab(role: "editor" | "viewer", paused = false) {
  renderInTheme(
    <QueryClientProvider client={new QueryClient()}>
      <TriggersTab workflow={workflowFor(role, paused)} canEdit={role === "editor"} />
    </QueryClientProvider>,
  );
}

describe("TriggersTab", () => {
  it("gives an editor the webhook URL with a copy button, a new key and pause", () => {
    renderTab("editor");
    expect(screen.getByTestId("webhook-url").textContent).toBe(URL_OF_HOOK);
    expect(screen.getByRole("button", { name: "Copy URL" })).toBeDefined();
    expect(screen.getByRole("button", { name: "New key" })).toBeDefined();
    expect(screen.getByRole("button", { name: "Pause schedule schedule" })).toBeDefined();
  });

  it("shows a viewer the schedule's five fire times on its own clock, and no controls", () => {
    renderTab("viewer");
    expect(screen.queryByTestId("webhook-url")).toBeNull();
    expect(screen.getByText(/Only editors and admins see this webhook/)).toBeDefined();
    expect(screen.queryAllByRole("button")).toEqual([]);

    const times = within(screen.getByTestId("fire-times")).getAllByRole("listitem");
    expect(times).toHaveLength(5);
    // 08:00 UTC is 09:00 in Berlin in March, before summer time.
    expect(times[0]!.textContent).toContain("09:00");
  });

  it("says a paused schedule does not fire, and offers to resume it", () => {
    renderTab("editor", true);
    expect(screen.queryByTestId("fire-times")).toBeNull();
    expect(screen.getByText("Paused: it does not fire until resumed.")).toBeDefined();
    expect(screen.getByRole("button", { name: "Resume schedule schedule" })).toBeDefined();
  });
});
