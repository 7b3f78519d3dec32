import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWeftProcess } from "../../server/test/helpers/weft-process.ts";

/**
 * Starts a real Weft (`weft serve`, its own process) on a temporary SQLite folder and a free
 * port, serving the freshly built `web/dist`; the tests find it in WEFT_E2E_URL. Returns the
 * teardown, which stops that process by its pid and removes the folder.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), "weft-e2e-"));
  const weft = await createWeftProcess({ dataDir, env: { WEFT_LOG_LEVEL: "warn" } });
  await weft.start();
  process.env.WEFT_E2E_URL = weft.url;
  process.stdout.write(`e2e: weft serve (pid ${weft.pid}) at ${weft.url}, data in ${dataDir}\n`);
  return async () => {
    await weft.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
