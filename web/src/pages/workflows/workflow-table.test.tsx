import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
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

describe("WorkflowTable", () => {
  it("lists each workflow with its tags, and a tag filters by it", async () => {
    const onTag = vi.fn();
    renderInTheme(<WorkflowTable workflows={[workflow]} onTag={onTag} />);
    const rows = screen.getAllByRole("row");
    expect(rows).toHaveLength(2);
    expect(rows[1]!.textContent).toContain("nightly-report");
    expect(rows[1]!.textContent).toContain("Mail the report");

    await userEvent.click(screen.getByRole("button", { name: "Show workflows tagged mail" }));
    expect(onTag).toHaveBeenCalledWith("mail");
  });
});
