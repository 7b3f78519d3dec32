import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { SecretInfo } from "../../api/answers.ts";
import { renderInTheme } from "../../render.tsx";
import { SecretForm } from "./secret-dialog.tsx";

const value = () => screen.getByLabelText(/^Value/, { selector: "input" }) as HTMLInputElement;

const EXISTING: SecretInfo = {
  name: "SLACK_URL",
  description: "triage channel",
  createdAt: "2026-12-01T00:00:00.000Z",
  updatedAt: "2026-12-01T00:00:00.000Z",
  updatedBy: "admin@example.test",
};

describe("SecretForm", () => {
  it("refuses a name the server would refuse, and an empty value, without sending", async () => {
    const onSubmit = vi.fn();
    renderInTheme(
      <SecretForm pending={false} error={null} onSubmit={onSubmit} onCancel={() => {}} />,
    );
    await userEvent.type(screen.getByLabelText(/^Name/), "api-key");
    await userEvent.click(screen.getByRole("button", { name: "Add secret" }));

    expect(screen.getByText(/^Must be 1 to 100 upper-case letters/)).toBeDefined();
    expect(screen.getByText("Enter the value")).toBeDefined();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("sends the value once, then forgets it", async () => {
    const onSubmit = vi.fn(() => Promise.resolve());
    renderInTheme(
      <SecretForm pending={false} error={null} onSubmit={onSubmit} onCancel={() => {}} />,
    );
    await userEvent.type(screen.getByLabelText(/^Name/), "API_KEY");
    await userEvent.type(value(), "s3cret-value");
    await userEvent.click(screen.getByRole("button", { name: "Add secret" }));

    expect(onSubmit).toHaveBeenCalledWith({
      name: "API_KEY",
      value: "s3cret-value",
      description: "",
    });
    expect(value().value).toBe("");
    expect(document.body.innerHTML).not.toContain("s3cret-value");
  });

  it("keeps the value for another try when saving failed", async () => {
    const onSubmit = vi.fn(() => Promise.reject(new Error("refused")));
    renderInTheme(
      <SecretForm pending={false} error={null} onSubmit={onSubmit} onCancel={() => {}} />,
    );
    await userEvent.type(screen.getByLabelText(/^Name/), "API_KEY");
    await userEvent.type(value(), "s3cret-value");
    await userEvent.click(screen.getByRole("button", { name: "Add secret" }));
    expect(value().value).toBe("s3cret-value");
  });

  it("replaces a value under the secret's own name, keeping its description", async () => {
    const onSubmit = vi.fn(() => Promise.resolve());
    renderInTheme(
      <SecretForm
        replacing={EXISTING}
        pending={false}
        error={null}
        onSubmit={onSubmit}
        onCancel={() => {}}
      />,
    );
    expect(screen.queryByLabelText(/^Name/)).toBeNull();
    await userEvent.type(value(), "new-value");
    await userEvent.click(screen.getByRole("button", { name: "Replace value" }));
    expect(onSubmit).toHaveBeenCalledWith({
      name: "SLACK_URL",
      value: "new-value",
      description: "triage channel",
    });
  });
});
