import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/api-error.ts";
import { renderInTheme } from "../../render.tsx";
import { CreateUserForm } from "./create-user-dialog.tsx";

// jsdom lays nothing out, so it has no scrollIntoView, which the role list calls on its options.
Element.prototype.scrollIntoView ??= () => {};

const form = (onSubmit = vi.fn(), error: unknown = null) =>
  renderInTheme(
    <CreateUserForm pending={false} error={error} onSubmit={onSubmit} onCancel={() => {}} />,
  );

const password = () => screen.getByLabelText(/Initial password/, { selector: "input" });
const confirm = () => screen.getByLabelText(/Confirm password/, { selector: "input" });

describe("CreateUserForm", () => {
  it("refuses a password shorter than the server's rule without sending", async () => {
    const onSubmit = vi.fn();
    form(onSubmit);
    await userEvent.type(screen.getByLabelText(/Email/), "ed@example.test");
    await userEvent.type(password(), "too short");
    await userEvent.type(confirm(), "too short");
    await userEvent.click(screen.getByRole("button", { name: "Create user" }));

    expect(screen.getByText("Must be at least 12 characters long")).toBeDefined();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("refuses two different passwords, and a missing email", async () => {
    const onSubmit = vi.fn();
    form(onSubmit);
    await userEvent.type(password(), "a long enough password");
    await userEvent.type(confirm(), "another long password");
    await userEvent.click(screen.getByRole("button", { name: "Create user" }));

    expect(screen.getByText("The two passwords differ")).toBeDefined();
    expect(screen.getByText("Enter the user's email")).toBeDefined();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("sends the trimmed email, the password and the chosen role", async () => {
    const onSubmit = vi.fn();
    form(onSubmit);
    await userEvent.type(screen.getByLabelText(/Email/), "  ed@example.test ");
    await userEvent.click(screen.getByLabelText(/^Role/, { selector: "input" }));
    await userEvent.click(await screen.findByRole("option", { name: "editor", hidden: true }));
    await userEvent.type(password(), "a long enough password");
    await userEvent.type(confirm(), "a long enough password");
    await userEvent.click(screen.getByRole("button", { name: "Create user" }));

    expect(onSubmit).toHaveBeenCalledWith({
      email: "ed@example.test",
      password: "a long enough password",
      role: "editor",
    });
  });

  it("shows the server's message when it refused the user", () => {
    const problem = {
      type: "urn:weft:problem:conflict",
      title: "Conflict",
      status: 409,
      detail: "a user with email ed@example.test already exists",
    };
    form(vi.fn(), new ApiError(409, problem, "409"));
    expect(screen.getByRole("alert").textContent).toContain(
      "a user with email ed@example.test already exists",
    );
  });
});
