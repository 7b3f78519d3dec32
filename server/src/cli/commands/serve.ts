import type { Config } from "../../config/config.ts";
import { createLogger } from "../../observability/logger.ts";
import { countUsers } from "../../store/users.ts";
import { createWeft } from "../../weft.ts";

/** `weft serve`: everything in one process until SIGTERM or SIGINT. */
export async function runServe(config: Config): Promise<number> {
  const logger = createLogger(config.logLevel);
  let weft: Awaited<ReturnType<typeof createWeft>>;
  try {
    weft = await createWeft(config, logger);
    const url = await weft.start();
    logger.info({ url, dataDir: config.dataDir }, "weft is listening");
    if (config.unknownVariables.length > 0) {
      logger.warn({ variables: config.unknownVariables }, "unknown WEFT_ variables are ignored");
    }
    if ((await countUsers(weft.store.db)) === 0) {
      const hint = "no admin yet: run `npx weft user create --email E --password P --role admin`";
      logger.warn({ setup: `${url}/api/v1/setup` }, `${hint} or POST /api/v1/setup`);
    }
  } catch (error) {
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
      logger.info({ signal }, "shutting down");
      weft.stop().then(
        () => resolve(0),
        (err) => {
          logger.error({ err }, "shutdown failed");
          resolve(1);
        },
      );
    };
    process.once("SIGTERM", () => shutdown("SIGTERM"));
    process.once("SIGINT", () => shutdown("SIGINT"));
  });
}
