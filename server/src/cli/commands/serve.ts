import { type Config, ConfigError } from "../../config/config.ts";
import { createLogger, type Logger } from "../../observability/logger.ts";
import { acquireDataDirLock, type DataDirLock, DataDirLockedError } from "../../store/lock.ts";
import { countUsers } from "../../store/users.ts";
import { createWeft } from "../../weft.ts";
import { printError } from "../output.ts";

/** `weft serve`: everything in one process until SIGTERM or SIGINT. */
export async function runServe(config: Config): Promise<number> {
  const logger = createLogger(config.logLevel, undefined, {
    pretty: config.logFormat === "pretty",
  });
  const lock = lockDataDir(config, logger);
  if (!lock) return 1;
  // Also on a crash's way out: a lock left behind is taken over at the next start, with a warning.
  process.once("exit", () => lock.release());
  let weft: Awaited<ReturnType<typeof createWeft>>;
  try {
    weft = await createWeft(config, logger);
    const url = await weft.start();
    logger.info({ url, dataDir: config.dataDir }, "weft is listening");
    if (config.unknownVariables.length > 0) {
      logger.warn({ variables: config.unknownVariables }, "unknown WEFT_ variables are ignored");
    }
    if (config.unknownVariables.some((name) => name.startsWith("WEFT_SECRET_"))) {
      logger.warn(
        "secrets are no longer read from WEFT_SECRET_<NAME>: store each with `weft secret set NAME`",
      );
    }
    if ((await countUsers(weft.store.db)) === 0) {
      const hint = "no admin yet: run `npx weft user create --email E --password P --role admin`";
      logger.warn({ setup: `${url}/api/v1/setup` }, `${hint} or POST /api/v1/setup`);
    }
  } catch (error) {
    lock.release();
    if (error instanceof ConfigError) {
      printError(error.message);
      return 78;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE")
      logger.fatal(
        { host: config.host, port: config.port },
        "the port is taken: set WEFT_PORT to a free one",
      );
    else logger.fatal({ err: error }, "weft could not start");
    return 1;
  }

  return new Promise((resolve) => {
    const shutdown = (signal: string) => {
      logger.info({ signal, graceMs: config.shutdownGraceMs }, "shutting down");
      // A second signal means the operator will not wait: leases left are recovered by sweeps.
      process.once(signal, () => {
        logger.warn({ signal }, "second signal: exiting now");
        process.exit(1);
      });
      weft.stop().then(
        () => {
          lock.release();
          resolve(0);
        },
        (err) => {
          logger.error({ err }, "shutdown failed");
          lock.release();
          resolve(1);
        },
      );
    };
    process.once("SIGTERM", () => shutdown("SIGTERM"));
    process.once("SIGINT", () => shutdown("SIGINT"));
  });
}

/**
 * One `weft serve` per data folder: two on one SQLite file would each run the scheduler,
 * the sweeper and scheduled backups, and `weft restore` must know that none runs.
 */
function lockDataDir(config: Config, logger: Logger): DataDirLock | undefined {
  try {
    return acquireDataDirLock(config.dataDir, (stalePid) =>
      logger.warn(
        { dataDir: config.dataDir, stalePid },
        "took over the lock of a weft that is gone",
      ),
    );
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    logger.fatal(
      { dataDir: config.dataDir, lockedBy: error.pid },
      "the data folder is in use by another weft: stop it or set WEFT_DATA_DIR to another folder",
    );
    return undefined;
  }
}
