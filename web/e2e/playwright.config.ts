import { defineConfig } from "@playwright/test";

/**
 * End-to-end tests in Debian's Chromium (Playwright's own browser download is not used), against
 * a real `weft serve` that global-setup starts on a fresh SQLite folder and a free port.
 */
export default defineConfig({
  testDir: ".",
  globalSetup: "./global-setup.ts",
  // One server, one user story in order: setup first, then everything that needs an admin.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 30_000,
  reporter: [["list"]],
  outputDir: "./results",
  use: {
    browserName: "chromium",
    viewport: { width: 1280, height: 800 },
    trace: "off",
    launchOptions: {
      executablePath: process.env.WEFT_E2E_CHROMIUM ?? "/usr/bin/chromium",
      // Each launch gets a fresh temporary profile from Playwright; these keep Chromium from
      // calling home (no network beyond loopback) and let it run as root in CI.
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
