import {
  createMemoryHistory,
  createRootRoute,
  createRouter,
  RouterProvider,
} from "@tanstack/react-router";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactElement } from "react";
import { describe, expect, it, vi } from "vitest";
import type { WorkflowSummary } from "../../api/answers.ts";
import { renderInTheme } from "../../render.tsx";
import { WorkflowTable } from "./workflow-table.tsx";

const workflow: WorkflowSummary = {
  id: "wf_1",
  name: "nightly-report",
  description: "Mail the report",
  tags: ["reports", "mail"],
  version: 3,
  archived: false,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-02T00:00:00.000Z",
};

/** Renders the table where its links can resolve: inside a router, at `/workflows`. */
async function renderInRouter(element: ReactElement) {
  const router = createRouter({
    routeTree: createRootRoute({ component: () => element }),
    history: createMemoryHistory({ initialEntries: ["/workflows"] }),
  });
  renderInTheme(<RouterProvider router={router} />);
  await screen.findByRole("table", { name: "Workflows" });
}

describe("WorkflowTable", () => {
  it("lists each workflow with its tags, and a tag filters by it", async () => {
    const onTag = vi.fn();
    await renderInRouter(<WorkflowTable workflows={[workflow]} onTag={onTag} />);
    const rows = screen.getAllByRole("row");
    expect(rows).toHaveLength(2);
    expect(rows[1]!.textContent).toContain("nightly-report");
    expect(rows[1]!.textContent).toContain("Mail the report");

    await userEvent.click(screen.getByRole("button", { name: "Show workflows tagged mail" }));
    expect(onTag).toHaveBeenCalledWith("mail");
  });

  it("links each workflow's name to its page, by name", async () => {
    await renderInRouter(<WorkflowTable workflows={[workflow]} onTag={() => {}} />);
    const link = screen.getByRole("link", { name: "nightly-report" });
    expect(link.getAttribute("href")).toBe("/workflows/nightly-report");
  });
});
