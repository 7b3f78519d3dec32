import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, expect, type Page } from "@playwright/test";
import { createWeftProcess, type WeftProcess } from "../../server/test/helpers/weft-process.ts";

/** Where every spec saves its screenshots (gitignored). */
export const SCREENSHOTS = join(import.meta.dirname, "screenshots");
mkdirSync(SCREENSHOTS, { recursive: true });

export interface Credentials {
  email: string;
  password: string;
}

export const ADMIN: Credentials = {
  email: "admin@example.test",
  password: "a long admin passphrase",
};

/** A `weft serve` of a spec's own, on a fresh SQLite folder; `stop()` removes the folder too. */
export interface OwnWeft {
  url: string;
  process: WeftProcess;
  stop(): Promise<void>;
}

/**
 * Starts a Weft for one spec file, so that its story does not depend on what other files did
 * to the shared one (global-setup's, which the first-admin story needs fresh).
 */
export async function startOwnWeft(env: Record<string, string> = {}): Promise<OwnWeft> {
  const dataDir = mkdtempSync(join(tmpdir(), "weft-e2e-own-"));
  const weft = await createWeftProcess({ dataDir, env: { WEFT_LOG_LEVEL: "warn", ...env } });
  await weft.start();
  return {
    url: weft.url,
    process: weft,
    stop: async () => {
      await weft.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates the first admin through the API (no browser), as `weft serve` expects once. */
export async function createFirstAdmin(url: string, admin: Credentials = ADMIN): Promise<void> {
  const response = await fetch(`${url}/api/v1/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(admin),
  });
  if (response.status !== 201) throw new Error(`setup answered ${response.status}`);
}

/** A new browser context on `url` with a watched tab already signed in through the form. */
export async function signedInPage(
  browser: Browser,
  url: string,
  who: Credentials,
  watch: { csp: string[]; errors: string[] } = { csp: [], errors: [] },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: url });
  const page = await watchedPage(context, watch.csp, watch.errors);
  await signIn(page, who);
  return { context, page };
}

/** Signs in through the sign-in form and waits for the signed-in shell. */
export async function signIn(page: Page, who: Credentials): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(who.email);
  await passwordField(page).fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("user-email")).toHaveText(who.email);
}

/** Creates a user from inside a page signed in as an admin; returns the status. */
export function createdUserFromPage(
  page: Page,
  user: Credentials & { role: "admin" | "editor" | "viewer" },
): Promise<number> {
  return page.evaluate(async (body) => {
    const headers = { "content-type": "application/json" };
    const response = await fetch("/api/v1/users", {
      method: "POST",
      headers,
      body: JSON.stringify(body),
    });
    return response.status;
  }, user);
}

/** A tab that reports CSP violations (the DOM event and the console's) and page errors. */
export async function watchedPage(
  ctx: BrowserContext,
  csp: string[],
  errors: string[],
): Promise<Page> {
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
export function passwordField(tab: Page) {
  return tab.getByRole("textbox", { name: "Password", exact: true });
}

/** POSTs a definition from inside the page, as the signed-in user; returns the status. */
export function savedFromPage(tab: Page, definition: string): Promise<number> {
  return tab.evaluate(async (body) => {
    const headers = { "content-type": "application/yaml" };
    return (await fetch("/api/v1/workflows", { method: "POST", headers, body })).status;
  }, definition);
}

/** Starts a run of a workflow by hand from inside the page; returns its id. */
export function startedFromPage(tab: Page, workflow: string, input: unknown): Promise<string> {
  return tab.evaluate(
    async ([name, body]) => {
      const headers = { "content-type": "application/json" };
      const response = await fetch(`/api/v1/workflows/${name}/runs`, {
        method: "POST",
        headers,
        body: JSON.stringify({ input: body }),
      });
      if (response.status !== 202) throw new Error(`start answered ${response.status}`);
      return ((await response.json()) as { runId: string }).runId;
    },
    [workflow, input] as const,
  );
}

export function runStatus(tab: Page, id: string): Promise<string> {
  return tab.evaluate(async (runId) => {
    const response = await fetch(`/api/v1/runs/${runId}`);
    return ((await response.json()) as { status: string }).status;
  }, id);
}

export function yaml(name: string, tag: string): string {
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
