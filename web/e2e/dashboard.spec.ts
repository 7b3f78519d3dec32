import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type BrowserContext, expect, type Page, test } from "@playwright/test";

/** One user story, in order, in one browser tab: a new Weft, its admin, then a viewer. */
test.describe.configure({ mode: "serial" });

const SCREENSHOTS = join(import.meta.dirname, "screenshots");
const ADMIN = { email: "admin@example.test", password: "a long admin passphrase" };
const VIEWER = { email: "viewer@example.test", password: "a long viewer passphrase" };

let context: BrowserContext;
let page: Page;
/** Everything the browser said about the content security policy, and uncaught errors. */
const cspReports: string[] = [];
const pageErrors: string[] = [];

test.beforeAll(async ({ browser }) => {
  context = await browser.newContext({ baseURL: process.env.WEFT_E2E_URL });
  page = await watchedPage(context, cspReports, pageErrors);
  mkdirSync(SCREENSHOTS, { recursive: true });
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
  await expect(page).toHaveURL(/\/workflows$/);
  await expect(page.getByTestId("user-email")).toHaveText(VIEWER.email);
  await expect(page.getByTestId("user-role")).toHaveText("viewer");
  await expect(page.getByRole("table", { name: "Workflows" }).locator("tbody tr")).toHaveCount(2);
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

/** A tab that reports CSP violations (the DOM event and the console's) and page errors. */
async function watchedPage(ctx: BrowserContext, csp: string[], errors: string[]): Promise<Page> {
  const tab = await ctx.newPage();
  await tab.exposeFunction("reportCspViolation", (text: string) => csp.push(text));
  await tab.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      const report = (window as unknown as { reportCspViolation(text: string): void })
        .reportCspViolation;
      report(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
    });
  });
  tab.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy/i.test(text)) csp.push(text);
  });
  tab.on("pageerror", (error) => errors.push(error.message));
  return tab;
}

/** The password field (its label also names the show-password toggle and the confirmation). */
function passwordField(tab: Page) {
  return tab.getByRole("textbox", { name: "Password", exact: true });
}

/** POSTs a definition from inside the page, as the signed-in user; returns the status. */
function savedFromPage(tab: Page, definition: string): Promise<number> {
  return tab.evaluate(async (body) => {
    const headers = { "content-type": "application/yaml" };
    return (await fetch("/api/v1/workflows", { method: "POST", headers, body })).status;
  }, definition);
}

function yaml(name: string, tag: string): string {
  return [
    `name: ${name}`,
    `description: ${name} for the dashboard test`,
    `tags: [${tag}]`,
    "triggers:",
    "  - type: manual",
    "steps:",
    "  - id: say",
    "    type: log",
    "    with: { message: hi }",
  ].join("\n");
}
