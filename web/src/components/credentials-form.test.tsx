import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/api-error.ts";
import { renderInTheme } from "../render.tsx";
import { CredentialsForm } from "./credentials-form.tsx";

const password = () =>
  screen.getByLabelText("Password", { exact: false, selector: "input[name=password]" });

describe("CredentialsForm", () => {
  it("refuses two different passwords without sending anything", async () => {
    const onSubmit = vi.fn();
    renderInTheme(
      <CredentialsForm
        submitLabel="Create admin"
        confirm
        pending={false}
        error={null}
        onSubmit={onSubmit}
      />,
    );
    await userEvent.type(screen.getByLabelText(/Email/), "ada@example.test");
    await userEvent.type(password(), "one passphrase");
    await userEvent.type(screen.getByLabelText(/Confirm password/), "another");
    await userEvent.click(screen.getByRole("button", { name: "Create admin" }));

    expect(screen.getByText("The two passwords differ")).toBeDefined();
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it("sends the trimmed email and the password once they agree", async () => {
    const onSubmit = vi.fn();
    renderInTheme(
      <CredentialsForm
        submitLabel="Create admin"
        confirm
        pending={false}
        error={null}
        onSubmit={onSubmit}
      />,
    );
    await userEvent.type(screen.getByLabelText(/Email/), "  ada@example.test ");
    await userEvent.type(password(), "one passphrase");
    await userEvent.type(screen.getByLabelText(/Confirm password/), "one passphrase");
    await userEvent.click(screen.getByRole("button", { name: "Create admin" }));

    expect(onSubmit).toHaveBeenCalledWith({
      email: "ada@example.test",
      password: "one passphrase",
    });
  });

  it("shows the server's message when it failed", () => {
    const error = new ApiError(
      401,
      {
        type: "urn:weft:problem:unauthorized",
        title: "Not signed in",
        status: 401,
        detail: "email or password is wrong",
      },
      "401",
    );
    renderInTheme(
      <CredentialsForm submitLabel="Sign in" pending={false} error={error} onSubmit={() => {}} />,
    );
    expect(screen.getByRole("alert").textContent).toContain("email or password is wrong");
  });
});
