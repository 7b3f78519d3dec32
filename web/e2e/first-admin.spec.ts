import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type BrowserContext, expect, type Page, test } from "@playwright/test";
import {
  ADMIN,
  passwordField,
  runStatus,
  SCREENSHOTS,
  savedFromPage,
  startedFromPage,
  watchedPage,
  yaml,
} from "./support.ts";

/** One user story, in order, in one browser tab: a new Weft, its admin, then a viewer. */
test.describe.configure({ mode: "serial" });

const VIEWER = { email: "viewer@example.test", password: "a long viewer passphrase" };

let context: BrowserContext;
let page: Page;
/** Everything the browser said about the content security policy, and uncaught errors. */
const cspReports: string[] = [];
const pageErrors: string[] = [];

test.beforeAll(async ({ browser }) => {
  context = await browser.newContext({ baseURL: process.env.WEFT_E2E_URL });
  page = await watchedPage(context, cspReports, pageErrors);
});

test.afterAll(async () => {
  await context.close();
});

test("a new Weft asks for its first admin, then shows the workflows", async () => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Set up Weft" })).toBeVisible();
  await page.screenshot({ path: join(SCREENSHOTS, "setup.png"), fullPage: true });

  await page.getByLabel("Email").fill(ADMIN.email);
  await passwordField(page).fill(ADMIN.password);
  await page.getByLabel("Confirm password").fill("something else");
  await page.getByRole("button", { name: "Create admin" }).click();
  await expect(page.getByText("The two passwords differ")).toBeVisible();

  await page.getByLabel("Confirm password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create admin" }).click();
  await expect(page).toHaveURL(/\/workflows$/);
  await expect(page.getByTestId("user-email")).toHaveText(ADMIN.email);
  await expect(page.getByTestId("user-role")).toHaveText("admin");
});

test("the empty Workflows page tells a new user how to add one", async () => {
  await expect(page.getByRole("heading", { name: "No workflows yet" })).toBeVisible();
  await expect(page.getByText("weft workflow apply -f examples/hello.yaml")).toBeVisible();
  await page.screenshot({ path: join(SCREENSHOTS, "workflows-empty.png"), fullPage: true });
});

test("sign out; a wrong password shows the server's message; then sign in", async () => {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/workflows");
  await expect(page).toHaveURL(/\/sign-in\?redirect=/);

  await page.getByLabel("Email").fill(ADMIN.email);
  await passwordField(page).fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("email or password is wrong");
  await page.screenshot({ path: join(SCREENSHOTS, "sign-in-failed.png"), fullPage: true });

  await passwordField(page).fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/workflows$/);
  await expect(page.getByTestId("user-role")).toHaveText("admin");
});

test("workflows saved through the API are listed, searched by name and filtered by tag", async () => {
  // From the page itself: the browser's own same-origin Origin must pass the CSRF check.
  expect(await savedFromPage(page, yaml("nightly-report", "reports"))).toBe(201);
  expect(await savedFromPage(page, yaml("hello", "example"))).toBe(201);
  await page.reload();
  const rows = page.getByRole("table", { name: "Workflows" }).locator("tbody tr");
  await expect(rows).toHaveCount(2);
  await page.screenshot({ path: join(SCREENSHOTS, "workflows.png"), fullPage: true });

  await page.getByLabel("Search by name").fill("night");
  await expect(page).toHaveURL(/[?&]q=night/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("nightly-report");

  await page.getByLabel("Search by name").fill("");
  await expect(rows).toHaveCount(2);
  await page.getByRole("button", { name: "Show workflows tagged example" }).click();
  await expect(page.getByRole("textbox", { name: "Tag", exact: true })).toHaveValue("example");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("hello");

  await page.getByRole("textbox", { name: "Tag", exact: true }).fill("no-such-tag");
  await expect(page.getByText("No workflow matches these filters.")).toBeVisible();
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(rows).toHaveCount(2);
});

test("runs are listed, filtered by status in the URL, and exported as CSV", async () => {
  // One workflow whose transform fails at run time when its input says so.
  const flaky = [
    "name: flaky",
    "description: fails when asked to",
    "triggers:",
    "  - type: manual",
    "steps:",
    "  - id: check",
    "    type: transform",
    '    with: { expression: \'trigger.input.fail ? $error("asked to fail") : "fine"\' }',
  ].join("\n");
  expect(await savedFromPage(page, flaky)).toBe(201);
  const failedId = await startedFromPage(page, "flaky", { fail: true });
  const succeededId = await startedFromPage(page, "flaky", { fail: false });
  await expect.poll(() => runStatus(page, failedId)).toBe("failed");
  await expect.poll(() => runStatus(page, succeededId)).toBe("succeeded");

  await page.getByRole("link", { name: "Runs" }).click();
  await expect(page).toHaveURL(/\/runs$/);
  const rows = page.getByRole("table", { name: "Runs" }).locator("tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(page.locator(`tr[data-run-id="${failedId}"]`)).toContainText("failed");
  await expect(page.locator(`tr[data-run-id="${succeededId}"]`)).toContainText("succeeded");
  await page.screenshot({ path: join(SCREENSHOTS, "runs.png"), fullPage: true });

  await page.getByRole("combobox", { name: "Status" }).click();
  await page.getByRole("option", { name: "failed" }).click();
  await page.keyboard.press("Escape");
  await expect(page).toHaveURL(/[?&]status=failed/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute("data-run-id", failedId);

  await page.reload();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute("data-run-id", failedId);
  await page.screenshot({ path: join(SCREENSHOTS, "runs-failed.png"), fullPage: true });

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export CSV" }).click(),
  ]);
  const csv = await readFile(await download.path(), "utf8");
  const lines = csv.split("\r\n").filter((line) => line !== "");
  expect(lines[0]?.startsWith("id,workflowId,workflowName")).toBe(true);
  expect(lines).toHaveLength(2);
  expect(lines[1]?.startsWith(`${failedId},`)).toBe(true);
  expect(csv).not.toContain(succeededId);

  // Text in errors, whatever the status: only the run that failed says "asked to fail".
  await page.goto("/runs");
  await expect(rows).toHaveCount(2);
  await page.getByRole("textbox", { name: "Error contains" }).fill("ASKED to");
  await expect(page).toHaveURL(/[?&]error=ASKED(\+|%20)to/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute("data-run-id", failedId);
  await page.getByRole("textbox", { name: "Error contains" }).fill("no such words");
  await expect(page.getByText("No runs match these filters.")).toBeVisible();
});

test("a viewer sees their role, and the server refuses them a change", async () => {
  const created = await page.evaluate(async (viewer) => {
    const body = JSON.stringify({ ...viewer, role: "viewer" });
    const headers = { "content-type": "application/json" };
    return (await fetch("/api/v1/users", { method: "POST", headers, body })).status;
  }, VIEWER);
  expect(created).toBe(201);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  await page.getByLabel("Email").fill(VIEWER.email);
  await passwordField(page).fill(VIEWER.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // Signing in from the sign-out page lands on the dashboard, the app's home.
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("user-email")).toHaveText(VIEWER.email);
  await expect(page.getByTestId("user-role")).toHaveText("viewer");
  await page.getByRole("link", { name: "Workflows", exact: true }).click();
  await expect(page).toHaveURL(/\/workflows$/);
  // The two from the workflows test and the runs test's "flaky".
  await expect(page.getByRole("table", { name: "Workflows" }).locator("tbody tr")).toHaveCount(3);
  await page.screenshot({ path: join(SCREENSHOTS, "workflows-viewer.png"), fullPage: true });

  expect(await savedFromPage(page, yaml("by-a-viewer", "x"))).toBe(403);
});

test("no page broke the content security policy, which did apply", async () => {
  // Mantine's <style> elements were there, let through by the page's nonce...
  expect(await page.locator("style[data-mantine-styles]").count()).toBeGreaterThan(0);
  expect(cspReports).toEqual([]);
  expect(pageErrors).toEqual([]);

  // ...and the watch would have seen a style without it.
  const probeReports: string[] = [];
  const probe = await watchedPage(context, probeReports, []);
  await probe.goto("/workflows");
  await expect(probe.getByRole("heading", { name: "Workflows" })).toBeVisible();
  await probe.evaluate(() => {
    const style = document.createElement("style");
    style.textContent = "body { outline: 1px solid red; }";
    document.head.append(style);
  });
  await expect.poll(() => probeReports.length).toBeGreaterThan(0);
  expect(probeReports.join("\n")).toContain("style-src");
  await probe.close();
});
