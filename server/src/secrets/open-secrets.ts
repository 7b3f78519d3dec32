import type { Config } from "../config/config.ts";
import type { Logger } from "../observability/logger.ts";
import type { Store } from "../store/database.ts";
import { loadSecretKeys } from "./secret-keys.ts";
import { SecretStore } from "./secret-store.ts";

export type { SecretStore };

/** How often a running instance looks for secrets changed by another process. */
export const SECRET_REFRESH_MS = 2_000;

/**
 * The secrets of a server or worker, decrypted. Says when they rest on the development key
 * file (a warning when it was just made); closes the store and throws when a secret cannot
 * be opened, so that the instance does not start without it.
 */
export async function openSecretStore(
  config: Config,
  store: Store,
  logger: Logger,
): Promise<SecretStore> {
  try {
    const keys = loadSecretKeys(config);
    if (keys.devKeyFile) {
      // Info on later starts: `weft run` logs at warn, and says nothing new on every call.
      const level = keys.generated ? "warn" : "info";
      logger[level](
        { keyFile: keys.devKeyFile, generated: keys.generated },
        "secrets are encrypted with a development key file: production needs WEFT_SECRET_KEY",
      );
    }
    return await SecretStore.open(store.db, keys);
  } catch (error) {
    await store.close();
    throw error;
  }
}
