import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { createWeft } from "../../src/weft.ts";

it("stopping the engine during a sweep ends the sweep loop", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "weft-stop-"));
  const errors: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      errors.push(String(chunk));
      done();
    },
  });
  const config = loadConfig({ WEFT_DATA_DIR: dataDir, WEFT_SWEEP_INTERVAL: "10ms" });
  const roles = { http: false, workers: false, scheduler: false };
  const weft = await createWeft(config, createLogger("error", sink), roles);
  try {
    // start() sweeps at once, so stop() lands while that first sweep is still querying.
    weft.engine.start();
    await weft.engine.stop(0);
    await weft.store.close();

    // A loop that kept going would now sweep a closed store and log "sweep failed".
    await sleep(100);
    expect(errors).toEqual([]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
