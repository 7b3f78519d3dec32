import { join } from "node:path";
import { type BrowserContext, expect, type Page, type Response, test } from "@playwright/test";
import {
  ADMIN,
  createFirstAdmin,
  type OwnWeft,
  passwordField,
  SCREENSHOTS,
  savedFromPage,
  signedInPage,
  startOwnWeft,
  yaml,
} from "./support.ts";

/**
 * An admin's settings story on a Weft of its own: users and roles, secrets, the audit log and
 * API tokens; then a viewer, who sees none of it and is refused by the server anyway.
 */
test.describe.configure({ mode: "serial" });

const EDITOR = { email: "editor@example.test", password: "a long editor passphrase" };
const VIEWER = { email: "viewer@example.test", password: "a long viewer passphrase" };
const SECRET = { name: "E2E_API_KEY", first: "first-value-8f3a1c", second: "second-value-b71e9d" };

let weft: OwnWeft;
let context: BrowserContext;
let page: Page;
const cspReports: string[] = [];
const pageErrors: string[] = [];
/** The text of every API answer the admin's page received. */
const answers: Promise<string>[] = [];

test.beforeAll(async ({ browser }) => {
  // Two failed sign-ins lock an email, so that the lock-and-unlock story stays short.
  weft = await startOwnWeft({ WEFT_SIGNIN_LOCKOUT_AFTER: "2" });
  await createFirstAdmin(weft.url);
  ({ context, page } = await signedInPage(browser, weft.url, ADMIN, {
    csp: cspReports,
    errors: pageErrors,
  }));
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: weft.url });
  page.on("response", (response) => {
    if (new URL(response.url()).pathname.startsWith("/api/")) answers.push(bodyOf(response));
  });
});

test.afterAll(async () => {
  await context?.close();
  await weft?.stop();
});

function bodyOf(response: Response): Promise<string> {
  // A redirect or an aborted request has no body to read; it held no value either.
  return response.text().catch(() => "");
}

const userRow = (email: string) => page.locator(`tr[data-user-email="${email}"]`);
const roleOf = (email: string) => page.getByRole("combobox", { name: `Role of ${email}` });

/** Fills and sends the "Add user" dialog. */
async function addUser(who: { email: string; password: string }, role: string) {
  await page.getByRole("button", { name: "Add user" }).click();
  const dialog = page.getByRole("dialog", { name: "Add a user" });
  await dialog.getByLabel("Email").fill(who.email);
  await dialog.getByRole("combobox", { name: "Role", exact: true }).click();
  await page.getByRole("option", { name: role, exact: true }).click();
  await dialog.getByRole("textbox", { name: "Initial password", exact: true }).fill(who.password);
  await dialog.getByRole("textbox", { name: "Confirm password", exact: true }).fill(who.password);
  await dialog.getByRole("button", { name: "Create user" }).click();
  return dialog;
}

/** Picks a role in a user's row and waits for the server's answer. */
async function pickRole(email: string, role: string): Promise<number> {
  const answered = page.waitForResponse(
    (r) => r.request().method() === "PATCH" && r.url().includes("/api/v1/users/"),
  );
  await roleOf(email).click();
  await page.getByRole("option", { name: role, exact: true }).click();
  return (await answered).status();
}

async function roleOnServer(email: string): Promise<string | undefined> {
  return page.evaluate(async (wanted) => {
    const { items } = (await (await fetch("/api/v1/users")).json()) as {
      items: { email: string; role: string; disabled: boolean }[];
    };
    const user = items.find((item) => item.email === wanted);
    return user && `${user.role}${user.disabled ? " disabled" : ""}`;
  }, email);
}

test("the admin adds an editor and a viewer from the Users page", async () => {
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  await expect(page).toHaveURL(/\/settings\/users$/);
  await expect(page.getByRole("tab", { name: "Users" })).toHaveAttribute("aria-selected", "true");

  const dialog = await addUser(EDITOR, "editor");
  await expect(dialog).toBeHidden();
  await expect(userRow(EDITOR.email)).toContainText("active");
  await expect(roleOf(EDITOR.email)).toHaveValue("editor");

  // The same email again: the server's own message, inside the dialog.
  const again = await addUser(EDITOR, "viewer");
  await expect(again.getByRole("alert")).toContainText(
    `a user with email ${EDITOR.email} already exists`,
  );
  await again.getByRole("button", { name: "Cancel" }).click();

  await addUser(VIEWER, "viewer");
  await expect(roleOf(VIEWER.email)).toHaveValue("viewer");
  await expect(page.getByRole("table", { name: "Users" }).locator("tbody tr")).toHaveCount(3);
  expect(await roleOnServer(EDITOR.email)).toBe("editor");
  expect(await roleOnServer(VIEWER.email)).toBe("viewer");
});

test("the admin changes the editor's role to viewer and back", async () => {
  expect(await pickRole(EDITOR.email, "viewer")).toBe(200);
  await expect(roleOf(EDITOR.email)).toHaveValue("viewer");
  expect(await roleOnServer(EDITOR.email)).toBe("viewer");

  expect(await pickRole(EDITOR.email, "editor")).toBe(200);
  await page.reload();
  await expect(roleOf(EDITOR.email)).toHaveValue("editor");
  expect(await roleOnServer(EDITOR.email)).toBe("editor");
});

test("the last admin cannot demote themselves, and is told why", async () => {
  expect(await pickRole(ADMIN.email, "viewer")).toBe(409);
  await expect(page.getByRole("alert")).toContainText(
    `${ADMIN.email} is the last enabled admin and cannot become viewer`,
  );
  await page.reload();
  await expect(roleOf(ADMIN.email)).toHaveValue("admin");
});

test("the admin disables a user and enables them again, confirming each", async () => {
  await page.getByRole("button", { name: `Disable ${VIEWER.email}` }).click();
  const disable = page.getByRole("dialog", { name: `Disable ${VIEWER.email}?` });
  await expect(disable).toContainText("their API tokens stop working");
  await disable.getByRole("button", { name: "Disable" }).click();
  await expect(disable).toBeHidden();
  await expect(userRow(VIEWER.email)).toContainText("disabled");
  expect(await roleOnServer(VIEWER.email)).toBe("viewer disabled");

  await page.getByRole("button", { name: `Enable ${VIEWER.email}` }).click();
  const enable = page.getByRole("dialog", { name: `Enable ${VIEWER.email}?` });
  await enable.getByRole("button", { name: "Enable" }).click();
  await expect(enable).toBeHidden();
  await expect(userRow(VIEWER.email)).toContainText("active");
  expect(await roleOnServer(VIEWER.email)).toBe("viewer");
});

test("a user locked out by failed sign-ins shows as locked until the admin unlocks them", async () => {
  for (let i = 0; i < 2; i += 1) {
    const failed = await fetch(`${weft.url}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: EDITOR.email, password: "not the password" }),
    });
    expect(failed.status).toBe(401);
  }
  await page.reload();
  await expect(userRow(EDITOR.email)).toContainText("locked");
  await page.screenshot({ path: join(SCREENSHOTS, "settings-users.png"), fullPage: true });

  await page.getByRole("button", { name: `Unlock ${EDITOR.email}` }).click();
  await expect(userRow(EDITOR.email)).toContainText("active");
  await expect(page.getByRole("button", { name: `Unlock ${EDITOR.email}` })).toHaveCount(0);
});

test("a secret is added, replaced and deleted, and its value never reaches the page", async () => {
  await page.getByRole("tab", { name: "Secrets" }).click();
  await expect(page).toHaveURL(/\/settings\/secrets$/);
  await expect(page.getByText("No secrets yet.")).toBeVisible();
  await expect(page.getByText("{{ secrets.NAME }}")).toBeVisible();

  await page.getByRole("button", { name: "Add secret" }).click();
  const add = page.getByRole("dialog", { name: "Add a secret" });
  await add.getByLabel("Name").fill(SECRET.name);
  await add.getByRole("textbox", { name: "Value", exact: true }).fill(SECRET.first);
  await add.getByLabel("Description").fill("the e2e service");
  await add.getByRole("button", { name: "Add secret" }).click();
  await expect(add).toBeHidden();
  const row = page.locator(`tr[data-secret-name="${SECRET.name}"]`);
  await expect(row).toContainText("the e2e service");
  await expect(row).toContainText(ADMIN.email);

  await page.getByRole("button", { name: `Replace the value of ${SECRET.name}` }).click();
  const replace = page.getByRole("dialog", { name: `Replace ${SECRET.name}` });
  const value = replace.getByRole("textbox", { name: "Value", exact: true });
  // A fresh, empty field: the old value is neither fetched nor kept.
  await expect(value).toHaveValue("");
  await value.fill(SECRET.second);
  await replace.getByRole("button", { name: "Replace value" }).click();
  await expect(replace).toBeHidden();
  await expect(row).toContainText("the e2e service");
  await page.screenshot({ path: join(SCREENSHOTS, "settings-secrets.png"), fullPage: true });

  const dom = await page.content();
  expect(dom).not.toContain(SECRET.first);
  expect(dom).not.toContain(SECRET.second);
  const bodies = await Promise.all(answers);
  expect(bodies.some((body) => body.includes(SECRET.name))).toBe(true);
  expect(bodies.filter((body) => body.includes(SECRET.first))).toEqual([]);
  expect(bodies.filter((body) => body.includes(SECRET.second))).toEqual([]);

  await page.getByRole("button", { name: `Delete ${SECRET.name}` }).click();
  const remove = page.getByRole("dialog", { name: `Delete ${SECRET.name}?` });
  await expect(remove).toContainText(`secrets.${SECRET.name}`);
  await remove.getByRole("button", { name: "Delete secret" }).click();
  await expect(remove).toBeHidden();
  await expect(row).toHaveCount(0);
  await expect(page.getByText("No secrets yet.")).toBeVisible();
});

test("the audit log shows those actions and filters them by action in the URL", async () => {
  await page.getByRole("tab", { name: "Audit log" }).click();
  await expect(page).toHaveURL(/\/settings\/audit$/);
  const rows = page.getByRole("table", { name: "Audit log" }).locator("tbody tr");
  for (const action of [
    "user.create",
    "user.role",
    "user.disable",
    "user.enable",
    "secret.create",
    "secret.update",
    "secret.delete",
  ]) {
    await expect(rows.and(page.locator(`[data-action="${action}"]`)).first()).toBeVisible();
  }
  await expect(rows.and(page.locator('[data-action="user.role"]')).first()).toContainText(
    "from=viewer, to=editor",
  );
  await expect(rows.first()).toContainText(ADMIN.email);

  await page.getByRole("combobox", { name: "Action" }).fill("secret.");
  await expect(page).toHaveURL(/[?&]action=secret\./);
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toHaveAttribute("data-action", "secret.delete");
  await expect(rows.nth(2)).toHaveAttribute("data-action", "secret.create");
  await page.keyboard.press("Escape");
  await page.screenshot({ path: join(SCREENSHOTS, "settings-audit.png"), fullPage: true });

  await page.reload();
  await expect(page.getByRole("combobox", { name: "Action" })).toHaveValue("secret.");
  await expect(rows).toHaveCount(3);

  await page.getByRole("combobox", { name: "Action" }).fill("user.role");
  await expect(page).toHaveURL(/[?&]action=user\.role/);
  await expect(rows).toHaveCount(2);
  await page.getByRole("combobox", { name: "Action" }).fill("no.such.action");
  await expect(page.getByText("No entries match these filters.")).toBeVisible();
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(page).toHaveURL(/\/settings\/audit$/);
});

test("an API token is shown once, copied, works, and is refused once revoked", async () => {
  await page.getByRole("link", { name: "Account", exact: true }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByText("No API tokens yet")).toBeVisible();

  await page.getByLabel("Token name").fill("e2e-script");
  await page.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByTestId("new-token-value");
  await expect(shown).toHaveText(/^weft_\S+$/);
  const token = (await shown.textContent()) ?? "";
  await page.getByRole("button", { name: "Copy token" }).click();
  await expect(page.getByRole("button", { name: "Copied", exact: true })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await expect(page.locator("tr", { hasText: "e2e-script" })).toContainText("active");
  await page.screenshot({ path: join(SCREENSHOTS, "account-tokens.png"), fullPage: true });

  const listed = await fetch(`${weft.url}/api/v1/workflows`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(listed.status).toBe(200);

  await page.getByRole("button", { name: "I have copied it" }).click();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  await page.reload();
  // Listed again, the token's secret is nowhere.
  await expect(page.locator("tr", { hasText: "e2e-script" })).toBeVisible();
  expect(await page.content()).not.toContain(token);

  await page.getByRole("button", { name: "Revoke e2e-script" }).click();
  const revoke = page.getByRole("dialog", { name: 'Revoke "e2e-script"?' });
  await revoke.getByRole("button", { name: "Revoke token" }).click();
  await expect(revoke).toBeHidden();
  await expect(page.locator("tr", { hasText: "e2e-script" })).toContainText("revoked");

  const refused = await fetch(`${weft.url}/api/v1/workflows`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(refused.status).toBe(401);
});

test("settings fit a phone screen", async ({ browser }) => {
  const phone = await signedInPage(browser, weft.url, ADMIN, {
    csp: cspReports,
    errors: pageErrors,
  });
  try {
    await phone.page.setViewportSize({ width: 390, height: 844 });
    await phone.page.goto("/settings/users");
    await expect(phone.page.getByRole("table", { name: "Users" })).toBeVisible();
    await expect(phone.page.getByRole("tab", { name: "Audit log" })).toBeVisible();
    const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await phone.page.screenshot({ path: join(SCREENSHOTS, "settings-phone.png"), fullPage: true });
  } finally {
    await phone.context.close();
  }
});

test("a viewer sees no settings, no editing controls, and is refused by the server", async () => {
  // A link styled as a button, or a button: either is an editing control.
  const newWorkflow = () =>
    page
      .getByRole("link", { name: "New workflow" })
      .or(page.getByRole("button", { name: "New workflow" }));
  await page.goto("/workflows");
  await expect(page.getByRole("heading", { name: "Workflows", exact: true })).toBeVisible();
  // By role: the admin has the control, the viewer will not.
  await expect(newWorkflow()).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByLabel("Email").fill(VIEWER.email);
  await passwordField(page).fill(VIEWER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("user-role")).toHaveText("viewer");

  await expect(page.getByRole("link", { name: "Account", exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: "Settings", exact: true })).toHaveCount(0);
  await expect(newWorkflow()).toHaveCount(0);

  await page.goto("/settings/users");
  await expect(page.getByRole("heading", { name: "Only admins can see settings" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Users" })).toHaveCount(0);
  await page.screenshot({ path: join(SCREENSHOTS, "settings-viewer.png"), fullPage: true });

  expect(await savedFromPage(page, yaml("by-a-viewer", "x"))).toBe(403);
  const promoted = await page.evaluate(async (email) => {
    const response = await fetch(`/api/v1/users/${encodeURIComponent(email)}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ role: "admin" }),
    });
    return response.status;
  }, VIEWER.email);
  expect(promoted).toBe(403);
});

test("the viewer changes their password, and sees the server's message when it is wrong", async () => {
  const next = "a brand new viewer passphrase";
  await page.getByRole("link", { name: "Account", exact: true }).click();
  const current = page.getByRole("textbox", { name: "Current password", exact: true });
  const fresh = page.getByRole("textbox", { name: "New password", exact: true });
  const confirm = page.getByRole("textbox", { name: "Confirm new password", exact: true });

  await current.fill("not my password");
  await fresh.fill(next);
  await confirm.fill(next);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("alert")).toContainText("currentPassword is wrong");

  await current.fill(VIEWER.password);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed")).toBeVisible();
  await expect(fresh).toHaveValue("");
  // This session lives on with the renewed cookie; the new password signs in.
  await page.reload();
  await expect(page.getByTestId("user-role")).toHaveText("viewer");
  const signedIn = await fetch(`${weft.url}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: VIEWER.email, password: next }),
  });
  expect(signedIn.status).toBe(200);
});

test("no page broke the content security policy or threw", async () => {
  expect(cspReports).toEqual([]);
  expect(pageErrors).toEqual([]);
});
