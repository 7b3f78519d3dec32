import { join } from "node:path";
import { type Browser, type BrowserContext, expect, type Page, test } from "@playwright/test";
import {
  ADMIN,
  createdUserFromPage,
  createFirstAdmin,
  type OwnWeft,
  SCREENSHOTS,
  signedInPage,
  startOwnWeft,
  watchedPage,
} from "./support.ts";

/**
 * An editor writes a workflow in the browser: a mistake shown at its line, fixed, created;
 * then edited into version 2 on its Definition tab, and the diff read on its Versions tab.
 */
test.describe.configure({ mode: "serial" });

const EDITOR = { email: "editor@example.test", password: "a long editor passphrase" };
const VIEWER = { email: "viewer@example.test", password: "a long viewer passphrase" };

/** A definition whose line 7 names a step type that does not exist (when `type` is wrong). */
const definition = (type: string, greeting: string) =>
  [
    "name: greeter",
    "description: Written in the browser",
    "triggers:",
    "  - type: manual",
    "steps:",
    "  - id: greet",
    `    type: ${type}`,
    "    with:",
    `      expression: '"${greeting}"'`,
    "",
  ].join("\n");

let weft: OwnWeft;
let context: BrowserContext;
let page: Page;
const cspReports: string[] = [];
const pageErrors: string[] = [];

test.beforeAll(async ({ browser }) => {
  weft = await startOwnWeft();
  await createFirstAdmin(weft.url);
  await addUsers(browser);
  ({ context, page } = await signedInPage(browser, weft.url, EDITOR, {
    csp: cspReports,
    errors: pageErrors,
  }));
});

test.afterAll(async () => {
  await context?.close();
  await weft?.stop();
});

/** The admin makes an editor and a viewer, from a page of their own. */
async function addUsers(browser: Browser) {
  const admin = await signedInPage(browser, weft.url, ADMIN);
  expect(await createdUserFromPage(admin.page, { ...EDITOR, role: "editor" })).toBe(201);
  expect(await createdUserFromPage(admin.page, { ...VIEWER, role: "viewer" })).toBe(201);
  await admin.context.close();
}

const editorContent = (tab: Page) => tab.locator(".cm-content").first();
const checkStatus = (tab: Page) => tab.getByTestId("definition-check");

/** Replaces everything in the (first) editor with `text`, as one paste-like input. */
async function replaceText(tab: Page, text: string) {
  await editorContent(tab).click();
  await tab.keyboard.press("ControlOrMeta+a");
  await tab.keyboard.press("Delete");
  await tab.keyboard.insertText(text);
}

test("the empty list offers a new workflow, which starts from a valid starter", async () => {
  await page.goto("/workflows");
  await expect(page.getByRole("heading", { name: "No workflows yet" })).toBeVisible();
  await page.getByRole("link", { name: "Write your first workflow" }).click();
  await expect(page).toHaveURL(/\/workflows\/new$/);
  await expect(page.getByRole("heading", { name: "New workflow" })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Definition of the new workflow" })).toBeVisible();
  await expect(checkStatus(page)).toContainText("Valid");
  await expect(page.getByRole("link", { name: "API documentation" })).toHaveAttribute(
    "href",
    "/api/docs",
  );
  await page.screenshot({ path: join(SCREENSHOTS, "new-workflow.png"), fullPage: true });

  // Tab indents inside the editor; Escape, then Tab, moves focus on (the help text says so).
  const inEditor = () => page.evaluate(() => !!document.activeElement?.closest(".cm-editor"));
  await editorContent(page).click();
  await page.keyboard.press("Tab");
  expect(await inEditor()).toBe(true);
  await page.keyboard.press("ControlOrMeta+z");
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  expect(await inEditor()).toBe(false);
});

test("a mistake on line 7 shows at line 7 as it is typed", async () => {
  await replaceText(page, definition("greeet", "hello"));
  await expect(checkStatus(page)).toContainText("1 problem");

  const problems = page.getByRole("list", { name: "Problems by line" });
  await expect(problems).toContainText('Line 7: steps[0].type: "greeet" is not a step type');
  await expect(page.locator(".cm-lintRange-error")).toHaveText("greeet");

  // The lint gutter's marker sits beside line number 7.
  const marker = await page.locator(".cm-lint-marker-error").boundingBox();
  const lineSeven = await page
    .locator(".cm-lineNumbers .cm-gutterElement", { hasText: /^7$/ })
    .boundingBox();
  const middle = (box: { y: number; height: number } | null) => box!.y + box!.height / 2;
  expect(Math.abs(middle(marker) - middle(lineSeven))).toBeLessThan(4);
  await page.screenshot({ path: join(SCREENSHOTS, "definition-error.png"), fullPage: true });

  // The list's line button moves the cursor there.
  await problems.getByRole("button", { name: "Line 7" }).click();
  await expect(page.locator(".cm-activeLine")).toHaveText("    type: greeet");
});

test("fixed, it is created and its page opens", async () => {
  await replaceText(page, definition("transform", "hello"));
  await expect(checkStatus(page)).toContainText("Valid");
  await expect(page.getByRole("list", { name: "Problems by line" })).toHaveCount(0);

  await page.getByRole("button", { name: "Create workflow" }).click();
  await expect(page).toHaveURL(/\/workflows\/greeter$/);
  await expect(page.getByRole("heading", { name: "greeter" })).toBeVisible();
  const saved = await page.evaluate(async () => (await fetch("/api/v1/workflows/greeter")).json());
  expect(saved).toMatchObject({ name: "greeter", version: 1 });
});

test("the Definition tab shows the source; leaving an unsaved edit asks first", async () => {
  await page.getByRole("tab", { name: "Definition" }).click();
  const readOnly = page.getByRole("textbox", { name: "Definition of greeter" });
  await expect(readOnly).toHaveAttribute("aria-readonly", "true");
  await expect(readOnly).toContainText("expression: '\"hello\"'");

  await page.getByRole("button", { name: "Edit" }).click();
  await replaceText(page, definition("transform", "hello again"));
  await page.getByRole("tab", { name: "Versions" }).click();
  const dialog = page.getByRole("dialog", { name: "Leave without saving?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Keep editing" }).click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/tab=definition/);
  await expect(editorContent(page)).toContainText("hello again");
});

test("saving the edit makes version 2", async () => {
  await expect(checkStatus(page)).toContainText("Valid");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("definition-saved")).toHaveText("Saved as version 2");
  await expect(page.getByText("Version 2, the current one")).toBeVisible();
  await expect(editorContent(page)).toContainText("hello again");
});

test("the Versions tab lists both and shows the changed line", async () => {
  await page.getByRole("tab", { name: "Versions" }).click();
  const rows = page.getByRole("table", { name: "Versions" }).locator("tbody tr");
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toContainText("2 (current)");
  await expect(rows.first()).toContainText(EDITOR.email);

  await expect(page.getByTestId("diff-summary")).toHaveText(
    "Version 1 → Version 2: 1 line removed, 1 added",
  );
  const diff = page.getByTestId("definition-diff");
  await expect(diff.locator(".cm-deletedChunk")).toContainText("expression: '\"hello\"'");
  await expect(diff.locator(".cm-changedLine")).toContainText("expression: '\"hello again\"'");
  await page.screenshot({ path: join(SCREENSHOTS, "versions-diff.png"), fullPage: true });

  await page.getByText("Side by side").click();
  const sides = diff.locator(".cm-mergeView .cm-editor");
  await expect(sides).toHaveCount(2);
  await expect(sides.nth(0).locator(".cm-changedLine")).toContainText("expression: '\"hello\"'");
  await expect(sides.nth(1).locator(".cm-changedLine")).toContainText("hello again");
  await page.screenshot({ path: join(SCREENSHOTS, "versions-diff-side-by-side.png") });
  await page.getByText("Unified").click();

  await page.getByRole("button", { name: "View version 1" }).click();
  const modal = page.getByRole("dialog", { name: "greeter, version 1" });
  await expect(modal.locator(".cm-content")).toContainText("expression: '\"hello\"'");
  await page.keyboard.press("Escape");
  await expect(modal).toBeHidden();
});

test("a save over a version saved meanwhile in another tab is refused, and loses nothing", async () => {
  const other = await watchedPage(context, cspReports, pageErrors);
  for (const tab of [page, other]) {
    await tab.goto("/workflows/greeter?tab=definition");
    await tab.getByRole("button", { name: "Edit" }).click();
  }
  await replaceText(page, definition("transform", "from the first tab"));
  await expect(checkStatus(page)).toContainText("Valid");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("definition-saved")).toHaveText("Saved as version 3");

  await replaceText(other, definition("transform", "from the second tab"));
  await expect(checkStatus(other)).toContainText("Valid");
  await other.getByRole("button", { name: "Save" }).click();
  await expect(other.getByRole("alert")).toContainText(
    'workflow "greeter" is at version 3, not 2: it was saved meanwhile',
  );
  // The refused text stays in the editor to be copied; version 3 is the first tab's.
  await expect(editorContent(other)).toContainText("from the second tab");
  // The tab learns of version 3 at once, and starting over shows it.
  await expect(other.getByText("Version 3, the current one")).toBeHidden();
  await other.getByRole("button", { name: "Discard my edit and show version 3" }).click();
  await expect(other.getByText("Version 3, the current one")).toBeVisible();
  await expect(other.getByRole("textbox", { name: "Definition of greeter" })).toContainText(
    "from the first tab",
  );
  const stored = await other.evaluate(async () => {
    const response = await fetch("/api/v1/workflows/greeter/versions/3");
    return ((await response.json()) as { source: string }).source;
  });
  expect(stored).toContain("from the first tab");
  await other.close();
});

test("the new-workflow page fits a phone", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/workflows/new");
  await expect(page.getByRole("heading", { name: "New workflow" })).toBeVisible();
  await expect(checkStatus(page)).toContainText("Valid");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await page.screenshot({ path: join(SCREENSHOTS, "new-workflow-phone.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
});

test("a taken name says that saving makes a new version of it", async () => {
  await page.goto("/workflows");
  await page.getByRole("link", { name: "New workflow" }).click();
  await replaceText(page, definition("transform", "third"));
  await expect(page.getByRole("button", { name: "Save as version 4 of greeter" })).toBeVisible();
  await expect(page.getByTestId("name-taken")).toContainText("saving makes version 4 of it");
});

test("a viewer gets no New workflow button and is told why on its page", async ({ browser }) => {
  const viewer = await signedInPage(browser, weft.url, VIEWER, {
    csp: cspReports,
    errors: pageErrors,
  });
  await viewer.page.goto("/workflows");
  await expect(viewer.page.getByRole("link", { name: "greeter" })).toBeVisible();
  await expect(viewer.page.getByRole("link", { name: "New workflow" })).toHaveCount(0);
  await viewer.page.goto("/workflows/greeter?tab=definition");
  await expect(viewer.page.getByRole("textbox", { name: "Definition of greeter" })).toBeVisible();
  await expect(viewer.page.getByRole("button", { name: "Edit" })).toHaveCount(0);
  await viewer.page.goto("/workflows/new");
  await expect(viewer.page.getByText("Viewers cannot create workflows")).toBeVisible();
  await viewer.context.close();
});

test("no page broke the content security policy or threw", () => {
  expect(cspReports).toEqual([]);
  expect(pageErrors).toEqual([]);
});
