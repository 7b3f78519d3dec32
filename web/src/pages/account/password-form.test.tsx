import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/api-error.ts";
import { renderInTheme } from "../../render.tsx";
import { PasswordForm } from "./password-form.tsx";

const field = (label: RegExp) => screen.getByLabelText(label, { selector: "input" });

async function fill(current: string, next: string, confirm: string) {
  if (current) await userEvent.type(field(/^Current password/), current);
  await userEvent.type(field(/^New password/), next);
  await userEvent.type(field(/^Confirm new password/), confirm);
  await userEvent.click(screen.getByRole("button", { name: "Change password" }));
}

describe("PasswordForm", () => {
  it("asks for the current password and a long enough new one before sending", async () => {
    const onSubmit = vi.fn();
    renderInTheme(<PasswordForm pending={false} error={null} done={false} onSubmit={onSubmit} />);
    await fill("", "short", "short");
    expect(screen.getByText("Enter your current password")).toBeDefined();
    expect(screen.getByText("Must be at least 12 characters long")).toBeDefined();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("refuses a confirmation that differs", async () => {
    const onSubmit = vi.fn();
    renderInTheme(<PasswordForm pending={false} error={null} done={false} onSubmit={onSubmit} />);
    await fill("the old password", "a new long password", "a new long passwort");
    expect(screen.getByText("The two passwords differ")).toBeDefined();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("sends both passwords, then empties the fields", async () => {
    const onSubmit = vi.fn(() => Promise.resolve());
    renderInTheme(<PasswordForm pending={false} error={null} done={false} onSubmit={onSubmit} />);
    await fill("the old password", "a new long password", "a new long password");
    expect(onSubmit).toHaveBeenCalledWith({
      currentPassword: "the old password",
      newPassword: "a new long password",
    });
    expect((field(/^New password/) as HTMLInputElement).value).toBe("");
  });

  it("shows the server's message, such as a wrong current password", () => {
    const problem = {
      type: "urn:weft:problem:forbidden",
      title: "Not allowed",
      status: 403,
      detail: "currentPassword is wrong",
    };
    renderInTheme(
      <PasswordForm
        pending={false}
        error={new ApiError(403, problem, "403")}
        done={false}
        onSubmit={vi.fn()}
      />,
    );
    expect(screen.getByRole("alert").textContent).toContain("currentPassword is wrong");
  });
});
