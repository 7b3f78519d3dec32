import { join } from "node:path";
import { type BrowserContext, expect, type Page, test } from "@playwright/test";
import {
  ADMIN,
  createdUserFromPage,
  createFirstAdmin,
  type OwnWeft,
  runStatus,
  SCREENSHOTS,
  savedFromPage,
  signedInPage,
  startedFromPage,
  startOwnWeft,
} from "./support.ts";

/** One workflow's page: its graph, triggers, Run button and live colours, on a Weft of its own. */
test.describe.configure({ mode: "serial" });

const VIEWER = { email: "viewer@example.test", password: "a long viewer passphrase" };

/** Four steps with needs (a diamond, one conditional) and one trigger of each type. */
const PIPELINE = [
  "name: pipeline",
  "description: Fetches, parses and reports",
  "tags: [reports]",
  "triggers:",
  "  - type: manual",
  "  - type: webhook",
  "  - type: schedule",
  '    cron: "0 9 * * 1-5"',
  "    timezone: Europe/Berlin",
  "steps:",
  "  - id: fetch",
  "    type: log",
  "    with: { message: fetched }",
  "  - id: parse",
  "    type: transform",
  "    needs: [fetch]",
  "    with: { expression: '{ \"n\": trigger.input.n }' }",
  "  - id: notify",
  "    type: log",
  "    needs: [fetch]",
  "    if: trigger.input.n > 1",
  "    with: { message: notified }",
  "  - id: report",
  "    type: log",
  "    needs: [parse, notify]",
  "    with: { message: reported }",
].join("\n");

/** A run that stays open for a few seconds, in its delay step. */
const SLOW = [
  "name: slow",
  "triggers:",
  "  - type: manual",
  "steps:",
  "  - id: pause",
  "    type: delay",
  "    with: { duration: 4s }",
  "  - id: finish",
  "    type: log",
  "    needs: [pause]",
  "    with: { message: done }",
].join("\n");

let weft: OwnWeft;
let context: BrowserContext;
let page: Page;
const cspReports: string[] = [];
const pageErrors: string[] = [];

test.beforeAll(async ({ browser }) => {
  weft = await startOwnWeft();
  await createFirstAdmin(weft.url);
  ({ context, page } = await signedInPage(browser, weft.url, ADMIN, {
    csp: cspReports,
    errors: pageErrors,
  }));
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: weft.url });
  expect(await savedFromPage(page, PIPELINE)).toBe(201);
  expect(await savedFromPage(page, SLOW)).toBe(201);
});

test.afterAll(async () => {
  await context?.close();
  await weft?.stop();
});

const node = (tab: Page, stepId: string) => tab.locator(`[data-step-id="${stepId}"]`);

test("a workflow opens from the list and shows its steps as a graph", async () => {
  await page.goto("/workflows");
  await page.getByRole("link", { name: "pipeline" }).click();
  await expect(page).toHaveURL(/\/workflows\/pipeline$/);
  await expect(page.getByRole("heading", { name: "pipeline" })).toBeVisible();
  await expect(page.getByText("Fetches, parses and reports")).toBeVisible();
  await expect(page.getByText("v1", { exact: true })).toBeVisible();

  for (const id of ["fetch", "parse", "notify", "report"])
    await expect(node(page, id)).toBeVisible();
  await expect(node(page, "notify").getByLabel("Condition: trigger.input.n > 1")).toBeVisible();
  await expect(page.locator(".react-flow__edge")).toHaveCount(4);
  await expect(page.getByText("No runs yet.")).toBeVisible();

  // Nodes take the keyboard's focus and say what they are.
  const focusable = page.getByRole("group", { name: /^Step notify, type log, runs only if/ });
  await focusable.focus();
  await expect(focusable).toBeFocused();
  await expect(focusable).toHaveAttribute("aria-label", /needs fetch/);
  await page.screenshot({ path: join(SCREENSHOTS, "workflow-graph.png"), fullPage: true });
});

test("Triggers: the webhook URL copies and starts a run; the schedule's times show", async () => {
  await page.getByRole("tab", { name: "Triggers" }).click();
  await expect(page).toHaveURL(/\?tab=triggers$/);

  const url = (await page.getByTestId("webhook-url").textContent()) ?? "";
  expect(url).toMatch(new RegExp(`^${weft.url}/hooks/[^/]+/[^/]+$`));
  await page.getByRole("button", { name: "Copy URL" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);

  const delivered = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ n: 1 }),
  });
  expect(delivered.status).toBe(202);
  const { runId } = (await delivered.json()) as { runId: string };
  await expect.poll(() => runStatus(page, runId)).toBe("succeeded");

  const schedule = page.locator('[data-trigger-id="schedule"]');
  await expect(schedule.getByText("0 9 * * 1-5")).toBeVisible();
  await expect(schedule.getByTestId("fire-times").locator("li")).toHaveCount(5);
  await expect(schedule.getByTestId("fire-times").locator("li").first()).toContainText("09:00");
  await expect(page.locator('[data-trigger-id="manual"]')).toContainText("Run");
  await page.screenshot({ path: join(SCREENSHOTS, "workflow-triggers.png"), fullPage: true });
});

test("a schedule pauses and resumes; a new webhook key retires the old URL", async () => {
  const schedule = page.locator('[data-trigger-id="schedule"]');
  await schedule.getByRole("button", { name: "Pause schedule schedule" }).click();
  await expect(schedule.getByText("paused", { exact: true })).toBeVisible();
  await expect(schedule.getByTestId("fire-times")).toHaveCount(0);
  await schedule.getByRole("button", { name: "Resume schedule schedule" }).click();
  await expect(schedule.getByTestId("fire-times").locator("li")).toHaveCount(5);

  const oldUrl = (await page.getByTestId("webhook-url").textContent()) ?? "";
  await page.getByRole("button", { name: "New key" }).click();
  const dialog = page.getByRole("dialog", { name: "New key for webhook?" });
  await expect(dialog).toContainText("stops working at once");
  await dialog.getByRole("button", { name: "Make a new key" }).click();
  await expect(page.getByText("The webhook has a new URL")).toBeVisible();
  await expect(page.getByTestId("webhook-url")).not.toHaveText(oldUrl);
  const newUrl = (await page.getByTestId("webhook-url").textContent()) ?? "";
  await expect(page.getByText("The old URL no longer starts runs")).toContainText(newUrl);

  expect((await fetch(oldUrl, { method: "POST" })).status).toBe(404);
  expect((await fetch(newUrl, { method: "POST" })).status).toBe(202);
});

test("the Run button refuses input that is not JSON, then starts a run and opens it", async () => {
  await page.getByRole("button", { name: "Run", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Run pipeline" });
  const input = dialog.getByLabel("Input (JSON)");
  await expect(input).toHaveValue("{}");

  let parserMessage = "";
  try {
    JSON.parse("{n: 2}");
  } catch (error) {
    parserMessage = (error as Error).message;
  }
  await input.fill("{n: 2}");
  await dialog.getByRole("button", { name: "Start run" }).click();
  await expect(dialog.getByText(parserMessage)).toBeVisible();
  await expect(input).toHaveAttribute("aria-invalid", "true");
  // The viewport only: the dialog's overlay covers the screen, not the whole page.
  await page.screenshot({ path: join(SCREENSHOTS, "workflow-run-dialog.png") });

  await input.fill('{"n": 2}');
  await dialog.getByRole("button", { name: "Start run" }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const runId = page.url().split("/").at(-1)!;
  const input2 = await page.evaluate(async (id) => {
    const run = (await (await fetch(`/api/v1/runs/${id}`)).json()) as {
      trigger: { input: unknown };
    };
    return run.trigger.input;
  }, runId);
  expect(input2).toEqual({ n: 2 });
});

test("the Runs tab lists the workflow's runs and links to all of them", async () => {
  await page.goto("/workflows/pipeline?tab=runs");
  const rows = page.getByRole("table", { name: "Recent runs" }).locator("tbody tr");
  await expect(rows).toHaveCount(3);
  await page.getByRole("link", { name: "All runs of this workflow" }).click();
  await expect(page).toHaveURL(/\/runs\?workflow=pipeline$/);
});

test("the graph colours each step live while a run is open", async () => {
  await page.goto("/workflows/slow");
  await expect(node(page, "pause")).toBeVisible();
  await expect(page.getByText("No runs yet.")).toBeVisible();

  // Started elsewhere while the page is open: the page notices it over the live feed.
  const runId = await startedFromPage(page, "slow", {});
  await expect(node(page, "pause")).toHaveAttribute("data-status", "waiting");
  await expect(node(page, "pause").getByTestId("step-status")).toHaveText("waiting");
  await expect(node(page, "finish")).toHaveAttribute("data-status", "pending");
  await expect(page.getByTestId("graph-run-note")).toContainText("live");
  await expect(page.getByText("Status:")).toBeVisible();
  await page.screenshot({ path: join(SCREENSHOTS, "workflow-graph-live.png"), fullPage: true });

  await expect(node(page, "pause")).toHaveAttribute("data-status", "succeeded", {
    timeout: 10_000,
  });
  await expect(node(page, "finish")).toHaveAttribute("data-status", "succeeded");
  await expect(page.getByTestId("graph-run-note")).toContainText("last run: succeeded");
  expect(await runStatus(page, runId)).toBe("succeeded");
});

test("at phone width the page fits the screen", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/workflows/pipeline");
  for (const id of ["fetch", "report"]) await expect(node(page, id)).toBeVisible();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: join(SCREENSHOTS, "workflow-phone.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
});

test("one very long word wraps instead of widening a page, on a phone too", async () => {
  const stepId = `s${"y".repeat(63)}`;
  const long = [
    `name: long-${"w".repeat(90)}`,
    `description: ${"x".repeat(1500)}`,
    "triggers:",
    "  - type: manual",
    `  - { type: schedule, id: every-${"z".repeat(50)}, cron: "0 9 * * *" }`,
    "steps:",
    `  - { id: ${stepId}, type: transform, with: { expression: '$error("${"E".repeat(1500)}")' } }`,
  ].join("\n");
  expect(await savedFromPage(page, long)).toBe(201);
  const name = `long-${"w".repeat(90)}`;
  const runId = await startedFromPage(page, name, {});
  await expect.poll(() => runStatus(page, runId)).toBe("failed");
  const overflow = () =>
    page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 844 });
    await page.goto(`/workflows/${name}`);
    await expect(page.getByText("x".repeat(1500))).toBeVisible();
    expect(await overflow(), `workflow page at ${width}px`).toBeLessThanOrEqual(0);
    await page.goto(`/workflows/${name}?tab=triggers`);
    await expect(page.getByText(`every-${"z".repeat(50)}`).first()).toBeVisible();
    expect(await overflow(), `triggers at ${width}px`).toBeLessThanOrEqual(0);
    await page.goto(`/runs/${runId}`);
    await page.getByRole("button", { name: `Step ${stepId}: failed` }).click();
    // The whole message can be read: it wraps inside its alert instead of being cut off.
    const alert = page.getByTestId("step-error");
    await expect(alert).toContainText("E".repeat(1500));
    const clipped = await alert.evaluate((element) => element.scrollWidth > element.clientWidth);
    expect(clipped, `step error at ${width}px`).toBe(false);
    expect(await overflow(), `run page at ${width}px`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
});

test("an unknown workflow says so, with the way back to the list", async () => {
  await page.goto("/workflows/no-such-workflow");
  await expect(page.getByRole("heading", { name: "Workflow not found" })).toBeVisible();
  await page.getByRole("link", { name: "Back to all workflows" }).click();
  await expect(page).toHaveURL(/\/workflows$/);
});

test("a viewer sees the workflow without Run, Archive, keys or pause", async ({ browser }) => {
  expect(await createdUserFromPage(page, { ...VIEWER, role: "viewer" })).toBe(201);
  const viewer = await signedInPage(browser, weft.url, VIEWER, {
    csp: cspReports,
    errors: pageErrors,
  });
  await viewer.page.goto("/workflows/pipeline");
  await expect(node(viewer.page, "fetch")).toBeVisible();
  await expect(viewer.page.getByRole("button", { name: "Run", exact: true })).toHaveCount(0);
  await expect(viewer.page.getByRole("button", { name: "Archive" })).toHaveCount(0);

  await viewer.page.getByRole("tab", { name: "Triggers" }).click();
  await expect(viewer.page.getByText("Only editors and admins see this webhook")).toBeVisible();
  await expect(viewer.page.getByTestId("webhook-url")).toHaveCount(0);
  await expect(viewer.page.getByRole("button", { name: "New key" })).toHaveCount(0);
  await expect(viewer.page.getByRole("button", { name: /Pause schedule/ })).toHaveCount(0);
  await expect(viewer.page.getByTestId("fire-times").locator("li")).toHaveCount(5);
  await viewer.context.close();
});

test("an editor archives the workflow and brings it back", async () => {
  await page.goto("/workflows/pipeline");
  await page.getByRole("button", { name: "Archive" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Archive" }).click();
  await expect(page.getByText("archived", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Run", exact: true })).toBeDisabled();
  await page.getByRole("button", { name: "Unarchive" }).click();
  await expect(page.getByText("archived", { exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Run", exact: true })).toBeEnabled();
});

test("no page broke the content security policy or threw", async () => {
  expect(cspReports).toEqual([]);
  expect(pageErrors).toEqual([]);
});
