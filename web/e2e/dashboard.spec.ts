import { join } from "node:path";
import { type BrowserContext, expect, type Locator, type Page, test } from "@playwright/test";
import {
  ADMIN,
  createFirstAdmin,
  type OwnWeft,
  runStatus,
  SCREENSHOTS,
  savedFromPage,
  signedInPage,
  startedFromPage,
  startOwnWeft,
} from "./support.ts";

/** The dashboard story on a Weft of its own: empty, then with runs, then arranged and kept. */
test.describe.configure({ mode: "serial" });

const DEFAULT_ORDER = [
  "runs-by-status",
  "success-rate",
  "throughput",
  "recent-failures",
  "slowest-workflows",
  "upcoming-schedules",
];

let weft: OwnWeft;
let context: BrowserContext;
let page: Page;
const cspReports: string[] = [];
const pageErrors: string[] = [];
let failedRunId = "";

test.beforeAll(async ({ browser }) => {
  weft = await startOwnWeft();
  await createFirstAdmin(weft.url);
  ({ context, page } = await signedInPage(browser, weft.url, ADMIN, {
    csp: cspReports,
    errors: pageErrors,
  }));
});

test.afterAll(async () => {
  await context?.close();
  await weft?.stop();
});

/** The widgets in page order, each with its id, kind, place and size as the page shows them. */
function arrangement(tab: Page) {
  return tab.locator("[data-widget-id]").evaluateAll((elements) =>
    elements.map((el) => {
      const d = (el as HTMLElement).dataset;
      return { id: d.widgetId, type: d.widgetType, x: d.x, y: d.y, w: d.w, h: d.h };
    }),
  );
}

function widget(tab: Page, id: string): Locator {
  return tab.locator(`[data-widget-id="${id}"]`);
}

async function widgetIds(tab: Page): Promise<string[]> {
  return (await arrangement(tab)).map((w) => w.id ?? "");
}

/** Opens a widget's menu and picks an item, from the keyboard alone. */
async function pickFromMenu(tab: Page, title: string, item: string): Promise<void> {
  const button = tab.getByRole("button", { name: `Widget options: ${title}`, exact: true });
  await button.focus();
  await tab.keyboard.press("Enter");
  await tab.getByRole("menuitem", { name: item, exact: true }).press("Enter");
}

/** A widget's box once it has stopped moving: the grid animates every change of place. */
async function settledBox(target: Locator) {
  let last = await target.boundingBox();
  for (;;) {
    await target.page().waitForTimeout(100);
    const box = await target.boundingBox();
    if (box && last && JSON.stringify(box) === JSON.stringify(last)) return box;
    last = box;
  }
}

/** The distinct fills of a chart's drawn bars, sorted. */
function barFills(chart: Locator): Promise<string[]> {
  return chart
    .locator(".recharts-bar-rectangle path")
    .evaluateAll((paths) => [...new Set(paths.map((p) => p.getAttribute("fill") ?? ""))].sort());
}

/** A chart's hidden table summed per column, by the column's header. */
function columnSums(table: Locator): Promise<Record<string, number>> {
  return table.evaluate((el) => {
    const heads = Array.from(el.querySelectorAll("thead th"))
      .slice(1)
      .map((th) => th.textContent ?? "");
    const sums: Record<string, number> = Object.fromEntries(heads.map((h) => [h, 0]));
    for (const row of Array.from(el.querySelectorAll("tbody tr")))
      Array.from(row.querySelectorAll("td")).forEach((td, i) => {
        sums[heads[i]!]! += Number(td.textContent);
      });
    return sums;
  });
}

async function expectSaved(tab: Page): Promise<void> {
  await expect(tab.getByTestId("save-status")).toHaveText("Saved");
}

test("sign-in lands on the dashboard, whose widgets tell a new Weft what to do", async () => {
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole("heading", { name: "Dashboard", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: "Dashboard" })).toHaveAttribute("href", "/dashboard");
  expect(await widgetIds(page)).toEqual(DEFAULT_ORDER);

  for (const id of ["runs-by-status", "success-rate", "throughput", "recent-failures"]) {
    await expect(widget(page, id).getByText("No runs yet")).toBeVisible();
  }
  const create = widget(page, "recent-failures").getByRole("link", { name: "Create a workflow" });
  await expect(create).toHaveAttribute("href", "/workflows/new");
  await expect(
    widget(page, "upcoming-schedules").getByText("No schedules yet", { exact: false }),
  ).toBeVisible();
  await expect(page.getByRole("button", { name: "Reset to default" })).toBeDisabled();
  await page.screenshot({ path: join(SCREENSHOTS, "dashboard-empty.png"), fullPage: true });
});

test("with runs and a schedule, each default widget shows them", async () => {
  const ingest = [
    "name: ingest-orders",
    "description: Pulls new orders in; fails when told to",
    "triggers:",
    "  - type: manual",
    "steps:",
    "  - id: check",
    "    type: transform",
    '    with: { expression: \'trigger.input.fail ? $error("order feed answered 503") : "ok"\' }',
  ].join("\n");
  const sync = [
    "name: sync-inventory",
    "description: Waits for the warehouse, then logs",
    "triggers:",
    "  - type: manual",
    "steps:",
    "  - id: wait",
    "    type: delay",
    "    with: { duration: 1s }",
    "  - id: say",
    "    type: log",
    "    needs: [wait]",
    "    with: { message: synced }",
  ].join("\n");
  const nightly = [
    "name: nightly-report",
    "description: Sends the report every night",
    "triggers:",
    "  - type: schedule",
    '    cron: "0 3 * * *"',
    "    timezone: UTC",
    "steps:",
    "  - id: say",
    "    type: log",
    "    with: { message: report }",
  ].join("\n");
  for (const definition of [ingest, sync, nightly]) {
    expect(await savedFromPage(page, definition)).toBe(201);
  }
  failedRunId = await startedFromPage(page, "ingest-orders", { fail: true });
  const succeeded = [
    await startedFromPage(page, "ingest-orders", { fail: false }),
    await startedFromPage(page, "ingest-orders", { fail: false }),
    await startedFromPage(page, "sync-inventory", {}),
    await startedFromPage(page, "sync-inventory", {}),
  ];
  await expect.poll(() => runStatus(page, failedRunId)).toBe("failed");
  for (const id of succeeded) {
    await expect.poll(() => runStatus(page, id), { timeout: 10_000 }).toBe("succeeded");
  }
  await page.reload();

  // 4 of the 5 runs succeeded.
  await expect(widget(page, "success-rate").getByTestId("success-rate")).toHaveText("80%");
  await expect(widget(page, "success-rate")).toContainText("4 of 5 succeeded");
  await expect(widget(page, "throughput").getByTestId("throughput-total")).toHaveText("5");
  // The stacked chart draws the 5 runs in their statuses' colours and says their figures,
  // in its label and in a hidden table.
  const byStatus = widget(page, "runs-by-status");
  await expect(
    byStatus.getByRole("img", {
      name: "Runs by status, the last 24 hours: 4 succeeded, 1 failed",
      exact: true,
    }),
  ).toBeVisible();
  await expect(byStatus.locator(".recharts-bar-rectangle path").first()).toBeVisible();
  expect(await barFills(byStatus)).toEqual([
    "var(--mantine-color-green-6)",
    "var(--mantine-color-red-6)",
  ]);
  await expect(byStatus.locator(".recharts-legend-wrapper")).toContainText("succeeded");
  expect(await columnSums(byStatus.getByRole("table"))).toMatchObject({
    succeeded: 4,
    failed: 1,
    cancelled: 0,
    running: 0,
    queued: 0,
  });
  const throughput = widget(page, "throughput");
  await expect(
    throughput.getByRole("img", {
      name: /^Throughput, the last 24 hours: 5 runs, at most \d in one hour/,
    }),
  ).toBeVisible();
  await expect(throughput.locator(".recharts-bar-rectangle path").first()).toBeVisible();
  expect(await columnSums(throughput.getByRole("table"))).toEqual({ runs: 5 });

  const failures = widget(page, "recent-failures");
  const failedRow = failures.locator(`tr[data-run-id="${failedRunId}"]`);
  await expect(failedRow).toContainText("ingest-orders");
  await expect(failedRow).toContainText("order feed answered 503");
  await expect(failedRow.getByRole("link")).toHaveAttribute("href", `/runs/${failedRunId}`);
  await expect(failures.locator("tbody tr")).toHaveCount(1);
  await expect(failures.getByRole("link", { name: "All failed runs" })).toHaveAttribute(
    "href",
    "/runs?status=failed",
  );

  const slowest = widget(page, "slowest-workflows").locator("tbody tr");
  await expect(slowest).toHaveCount(2);
  await expect(slowest.first()).toContainText("sync-inventory");
  await expect(slowest.nth(1)).toContainText("ingest-orders");

  const schedules = widget(page, "upcoming-schedules").locator("tbody tr");
  await expect(schedules).toHaveCount(1);
  await expect(schedules.first()).toContainText("nightly-report");
  await expect(schedules.first()).toContainText("0 3 * * *");
  await expect(schedules.first().locator("time")).toHaveText(/^in \d+ (hours?|minutes?|seconds?)$/);

  await expect(page.getByText("Loading")).toHaveCount(0);
  await expect(page.getByTestId("chart-loading")).toHaveCount(0);
  await page.screenshot({ path: join(SCREENSHOTS, "dashboard.png") });

  await failures.getByRole("link", { name: "All failed runs" }).click();
  await expect(page).toHaveURL(/\/runs\?status=failed$/);
  await page.getByRole("link", { name: "Dashboard" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("widgets are added, removed, resized and moved, by menu and by mouse, and saved", async () => {
  // Add: a second chart of runs by status, in the first free place (the bottom).
  await page.getByRole("button", { name: "Add widget" }).click();
  await page.getByRole("menuitem", { name: "Runs by status" }).click();
  await expect(page.locator("[data-widget-type=runs-by-status]")).toHaveCount(2);
  await expectSaved(page);
  const added = (await arrangement(page)).find(
    (w) => w.type === "runs-by-status" && w.id !== "runs-by-status",
  );
  expect(added).toMatchObject({ x: "0", y: "11", w: "8", h: "4" });

  // Remove, from the keyboard.
  await pickFromMenu(page, "Throughput", "Remove");
  await expect(widget(page, "throughput")).toHaveCount(0);

  // Resize by a preset.
  await pickFromMenu(page, "Success rate", "Full width");
  await expect(widget(page, "success-rate")).toHaveAttribute("data-w", "12");
  await expect(widget(page, "success-rate")).toHaveAttribute("data-h", "4");

  // Resize by dragging the corner: two columns narrower, one row taller. The window is made
  // tall enough for the whole grid, so that every drag starts and ends inside it.
  await page.setViewportSize({ width: 1280, height: 2400 });
  const slowest = widget(page, "slowest-workflows");
  const before = await slowest.getAttribute("data-w");
  const corner = slowest.locator(".react-resizable-handle");
  const box = await settledBox(corner);
  const column = (await page.getByTestId("dashboard-grid").boundingBox())!.width / 12;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x - column * 2, box.y + 60, { steps: 12 });
  await page.mouse.move(box.x - column * 2, box.y + 112, { steps: 4 });
  await page.mouse.up();
  await expect(slowest).toHaveAttribute("data-w", String(Number(before) - 2));
  await expect(slowest).toHaveAttribute("data-h", "5");

  // Move by the menu: the schedules one place earlier.
  const order = await widgetIds(page);
  const at = order.indexOf("upcoming-schedules");
  await pickFromMenu(page, "Upcoming schedules", "Move earlier");
  await expect.poll(async () => (await widgetIds(page)).indexOf("upcoming-schedules")).toBe(at - 1);

  // Move by dragging a header: the failures to the top left.
  const handle = widget(page, "recent-failures").getByTestId("widget-handle");
  const from = await settledBox(handle);
  const grid = (await page.getByTestId("dashboard-grid").boundingBox())!;
  await page.mouse.move(from.x + 20, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(grid.x + 40, grid.y + 10, { steps: 20 });
  await page.mouse.move(grid.x + 30, grid.y + 5, { steps: 5 });
  await page.mouse.up();
  await expect(widget(page, "recent-failures")).toHaveAttribute("data-y", "0");
  await expect(widget(page, "recent-failures")).toHaveAttribute("data-x", "0");
  await expect.poll(async () => (await widgetIds(page))[0]).toBe("recent-failures");
  await page.setViewportSize({ width: 1280, height: 800 });

  // A different range is saved per widget too.
  await page
    .getByRole("radiogroup", { name: "Time range: Slowest workflows" })
    .getByText("30 d")
    .click();
  await expectSaved(page);
  const arranged = await arrangement(page);
  expect(arranged.map((w) => w.id)).not.toEqual(DEFAULT_ORDER);

  const saved = await page.evaluate(async () => {
    const answer = await (await fetch("/api/v1/me/dashboard")).json();
    return answer as { isDefault: boolean; widgets: { id: string; options?: object }[] };
  });
  expect(saved.isDefault).toBe(false);
  expect(saved.widgets.find((w) => w.id === "slowest-workflows")?.options).toMatchObject({
    range: "30d",
  });

  await page.reload();
  await expect(page.locator("[data-widget-id]")).toHaveCount(arranged.length);
  expect(await arrangement(page)).toEqual(arranged);
  await expect(
    page.getByRole("radiogroup", { name: "Time range: Slowest workflows" }).getByLabel("30 d"),
  ).toBeChecked();

  // The same user on another browser finds the same dashboard.
  const other = await signedInPage(page.context().browser()!, weft.url, ADMIN, {
    csp: cspReports,
    errors: pageErrors,
  });
  await expect(other.page).toHaveURL(/\/dashboard$/);
  await expect(other.page.locator("[data-widget-id]")).toHaveCount(arranged.length);
  expect(await arrangement(other.page)).toEqual(arranged);
  await other.context.close();
});

test("on a phone the widgets stack in one column, in the same order", async () => {
  const desktopOrder = await widgetIds(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId("dashboard-grid")).toHaveAttribute("data-columns", "1");
  expect(await widgetIds(page)).toEqual(desktopOrder);
  const grid = (await page.getByTestId("dashboard-grid").boundingBox())!;
  for (const id of desktopOrder) {
    const box = (await widget(page, id).boundingBox())!;
    expect(box.x).toBeCloseTo(grid.x, 0);
    expect(box.width).toBeCloseTo(grid.width, 0);
  }
  const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scroll).toBeLessThanOrEqual(390);
  await page.screenshot({ path: join(SCREENSHOTS, "dashboard-phone.png"), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(page.getByTestId("dashboard-grid")).toHaveAttribute("data-columns", "12");
});

test("reset to default brings the default set back; a change just before leaving is kept", async () => {
  await page.getByRole("button", { name: "Reset to default" }).click();
  await expect.poll(() => widgetIds(page)).toEqual(DEFAULT_ORDER);
  await expect(page.getByRole("button", { name: "Reset to default" })).toBeDisabled();
  await page.reload();
  await expect(page.locator("[data-widget-id]")).toHaveCount(DEFAULT_ORDER.length);
  expect(await widgetIds(page)).toEqual(DEFAULT_ORDER);
  const isDefault = await page.evaluate(
    async () =>
      ((await (await fetch("/api/v1/me/dashboard")).json()) as { isDefault: boolean }).isDefault,
  );
  expect(isDefault).toBe(true);

  // A change made just before the page goes, with no time to wait for its save, is kept.
  await pickFromMenu(page, "Throughput", "Remove");
  await page.reload();
  await expect
    .poll(() =>
      page.evaluate(async () => {
        const answer = (await (await fetch("/api/v1/me/dashboard")).json()) as {
          widgets: { id: string }[];
        };
        return answer.widgets.map((w) => w.id);
      }),
    )
    .toEqual(DEFAULT_ORDER.filter((id) => id !== "throughput"));
});

test("the dashboard broke no content security policy and threw nothing", async () => {
  expect(await page.locator("style[data-mantine-styles]").count()).toBeGreaterThan(0);
  expect(cspReports).toEqual([]);
  expect(pageErrors).toEqual([]);
});
