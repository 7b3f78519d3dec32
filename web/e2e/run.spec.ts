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

/** A run's page: its steps turning succeeded live, cancel, a failure's error, and retry. */
test.describe.configure({ mode: "serial" });

const VIEWER = { email: "run-viewer@example.test", password: "a long viewer passphrase" };

/** Three steps with a delay in the middle: the first ends long before the last starts. */
const STAGED = [
  "name: staged",
  "triggers:",
  "  - type: manual",
  "steps:",
  "  - id: prepare",
  "    type: transform",
  "    with: { expression: '{ \"n\": trigger.input.n }' }",
  "  - id: pause",
  "    type: delay",
  "    needs: [prepare]",
  "    with: { duration: 4s }",
  "  - id: finish",
  "    type: log",
  "    needs: [pause]",
  "    with: { message: 'finished {{ steps.prepare.output.n }}' }",
].join("\n");

/** A run that waits far longer than any test, until it is cancelled. */
const LONG_WAIT = [
  "name: long-wait",
  "triggers:",
  "  - type: manual",
  "steps:",
  "  - id: hold",
  "    type: delay",
  "    with: { duration: 10m }",
].join("\n");

/** Fails while the secret holds no instant; once it holds one, a retry succeeds. */
const NEEDS_SECRET = [
  "name: needs-secret",
  "triggers:",
  "  - type: manual",
  "steps:",
  "  - id: announce",
  "    type: log",
  "    with: { message: waking }",
  "  - id: wake",
  "    type: delay",
  "    needs: [announce]",
  "    with: { until: '{{ secrets.WAKE_AT }}' }",
].join("\n");

let weft: OwnWeft;
let context: BrowserContext;
let page: Page;
const watch = { csp: [] as string[], errors: [] as string[] };
let succeededRunId: string;
let retriedRunId: string;

test.beforeAll(async ({ browser }) => {
  weft = await startOwnWeft();
  await createFirstAdmin(weft.url);
  ({ context, page } = await signedInPage(browser, weft.url, ADMIN, watch));
});

test.afterAll(async () => {
  await context?.close();
  await weft?.stop();
});

const step = (id: string) => page.locator(`[data-timeline-step="${id}"]`);
const stepStatus = (id: string) => step(id).getByTestId("step-status");

/** Marks the loaded document, so that a test can tell the page was never reloaded. */
async function markDocument(): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { runPageMark: string }).runPageMark = "kept";
  });
}
function documentMark(): Promise<string | undefined> {
  return page.evaluate(() => (window as unknown as { runPageMark?: string }).runPageMark);
}

/** Saves a full-page screenshot once the graph has loaded and transitions have ended. */
async function shot(name: string): Promise<void> {
  await expect(page.getByRole("figure", { name: /^Step graph/ })).toBeVisible();
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true, animations: "disabled" });
}

function setSecret(name: string, value: string): Promise<number> {
  return page.evaluate(
    async ([secret, body]) => {
      const response = await fetch(`/api/v1/secrets/${secret}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ value: body }),
      });
      return response.status;
    },
    [name, value] as const,
  );
}

test("a run's steps turn succeeded live, one after another, without a reload", async () => {
  expect(await savedFromPage(page, STAGED)).toBe(201);
  const runId = await startedFromPage(page, "staged", { n: 7 });
  succeededRunId = runId;
  await page.goto(`/runs/${runId}`);
  await markDocument();

  await expect(page.getByTestId("live-indicator")).toHaveText("Live");
  await expect(page.getByRole("link", { name: "staged" })).toBeVisible();
  await expect(page.getByText(`started by ${ADMIN.email}`)).toBeVisible();
  await expect(stepStatus("prepare")).toHaveText("succeeded");
  await expect(stepStatus("pause")).toHaveText("waiting");
  await expect(page.getByTestId("run-status")).toHaveText("running");
  await expect(stepStatus("finish")).toHaveText("pending");
  await step("prepare").getByRole("button").first().click();
  await expect(page.getByRole("table", { name: "Attempts of prepare" })).toBeVisible();
  await expect(page.getByLabel("Output of prepare", { exact: true })).toContainText('"n": 7');
  await shot("run-live.png");

  await expect(stepStatus("pause")).toHaveText("succeeded", { timeout: 10_000 });
  await expect(stepStatus("finish")).toHaveText("succeeded");
  await expect(page.getByTestId("run-status")).toHaveText("succeeded");
  await expect(page.getByLabel("Output", { exact: true })).toContainText("finished 7");
  expect(await documentMark()).toBe("kept");
  await shot("run-succeeded.png");
});

test("a run waiting on a long delay is cancelled after a confirmation", async () => {
  expect(await savedFromPage(page, LONG_WAIT)).toBe(201);
  const runId = await startedFromPage(page, "long-wait", null);
  await page.goto(`/runs/${runId}`);
  await expect(stepStatus("hold")).toHaveText("waiting");

  await page.getByRole("button", { name: "Cancel run" }).click();
  const dialog = page.getByRole("dialog", { name: "Cancel this run?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Cancel run" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("run-status")).toHaveText("cancelled");
  await expect(stepStatus("hold")).toHaveText("cancelled");
  await expect(page.getByRole("button", { name: "Cancel run" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Retry" })).toBeVisible();
  expect(await runStatus(page, runId)).toBe("cancelled");
});

test("a failed run shows its error at the step, and Retry runs it again", async () => {
  expect(await setSecret("WAKE_AT", "soon")).toBe(201);
  expect(await savedFromPage(page, NEEDS_SECRET)).toBe(201);
  const runId = await startedFromPage(page, "needs-secret", null);
  retriedRunId = runId;
  await page.goto(`/runs/${runId}`);

  await expect(page.getByTestId("run-status")).toHaveText("failed");
  await expect(page.getByRole("alert").filter({ hasText: "The run failed" })).toContainText(
    "with.until: must be an ISO 8601 instant",
  );
  await step("wake").getByRole("button").first().click();
  await expect(step("wake").getByTestId("step-error")).toContainText("invalid-input");
  await expect(step("wake").getByTestId("step-error")).toContainText(
    "with.until: must be an ISO 8601 instant",
  );
  await shot("run-failed.png");

  expect(await setSecret("WAKE_AT", "2000-01-01T00:00:00Z")).toBe(200);
  await markDocument();
  await page.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByTestId("run-status")).toHaveText("succeeded");
  await expect(stepStatus("wake")).toHaveText("succeeded");
  await expect(step("wake")).toContainText("2 attempts");
  const attempts = page.getByRole("table", { name: "Attempts of wake" }).locator("tbody tr");
  await expect(attempts).toHaveCount(2);
  await expect(attempts.nth(0)).toContainText("failed");
  await expect(attempts.nth(1)).toContainText("succeeded");
  expect(await documentMark()).toBe("kept");

  // The retried run is the same run, listed and opened from the runs page.
  await page.getByRole("link", { name: "Runs", exact: true }).click();
  await page.getByRole("link", { name: `Run ${runId}` }).click();
  await expect(page).toHaveURL(new RegExp(`/runs/${runId}$`));
  await expect(page.getByTestId("run-status")).toHaveText("succeeded");
});

test("a viewer sees a run without its cancel and retry buttons", async ({ browser }) => {
  expect(await createdUserFromPage(page, { ...VIEWER, role: "viewer" })).toBe(201);
  const failing = await startedFromPage(page, "long-wait", null);
  const viewer = await signedInPage(browser, weft.url, VIEWER, watch);
  try {
    await viewer.page.goto(`/runs/${failing}`);
    await expect(viewer.page.getByTestId("run-status")).toHaveText("running");
    await expect(viewer.page.locator('[data-timeline-step="hold"]')).toContainText("waiting");
    await expect(viewer.page.getByRole("button", { name: "Cancel run" })).toHaveCount(0);
    await viewer.page.goto(`/runs/${retriedRunId}`);
    await expect(viewer.page.getByTestId("run-status")).toHaveText("succeeded");
    await expect(viewer.page.getByRole("button", { name: "Retry" })).toHaveCount(0);
  } finally {
    await viewer.context.close();
  }
});

test("an unknown run says so", async () => {
  await page.goto("/runs/no-such-run");
  await expect(page.getByText("There is no run no-such-run.")).toBeVisible();
  await expect(page.getByRole("link", { name: "See all runs" })).toBeVisible();
});

test("the run page fits a phone", async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/runs/${succeededRunId}`);
  await expect(stepStatus("finish")).toHaveText("succeeded");
  await step("pause").getByRole("button").first().click();
  await expect(page.getByRole("table", { name: "Attempts of pause" })).toBeVisible();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  await shot("run-phone.png");
  await page.setViewportSize({ width: 1280, height: 800 });
});

test("a session ended elsewhere closes the feed, and the run page asks to sign in", async () => {
  await page.goto(`/runs/${succeededRunId}`);
  await expect(page.getByTestId("live-indicator")).toHaveText("Live");
  // As another tab's sign-out would: the session ends and the server closes the feed (4401).
  const status = await page.evaluate(
    async () => (await fetch("/api/v1/session", { method: "DELETE" })).status,
  );
  expect(status).toBeLessThan(300);
  await expect(page).toHaveURL(/\/sign-in\?redirect=/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});

test("no page broke the content security policy or threw", () => {
  expect(watch.csp).toEqual([]);
  expect(watch.errors).toEqual([]);
});
