import { hostname } from "node:os";
import type { FastifyInstance } from "fastify";
import type { Config } from "./config/config.ts";
import { Engine } from "./engine/engine.ts";
import type { StepRegistry } from "./engine/step-registry.ts";
import { createCoreStepRegistry } from "./engine/steps/index.ts";
import { createInProcessEventBus, type EventBus } from "./events/event-bus.ts";
import { buildApp } from "./http/app.ts";
import { LiveFeeds } from "./http/live-feeds.ts";
import { startTlsServices } from "./http/tls.ts";
import type { Logger } from "./observability/logger.ts";
import { createInProcessQueue } from "./queue/in-process-queue.ts";
import { Scheduler } from "./scheduler/scheduler.ts";
import { openSecretStore, SECRET_REFRESH_MS, type SecretStore } from "./secrets/open-secrets.ts";
import { openSqliteStore, type Store } from "./store/database.ts";
import { newId } from "./store/ids.ts";
import { migrateToLatest } from "./store/migrate.ts";
import { createStoreUpkeep } from "./store/upkeep.ts";

/** One Weft instance: store, engine, scheduler and HTTP app, wired but not yet started. */
export interface Weft {
  config: Config;
  store: Store;
  /** The decrypted secrets; changes made by another process are seen within seconds. */
  secrets: SecretStore;
  engine: Engine;
  scheduler: Scheduler;
  registry: StepRegistry;
  bus: EventBus;
  app: FastifyInstance;
  /** Starts workers and the scheduler (when `roles` asks) and listens; resolves with the URL. */
  start(): Promise<string>;
  /** Stops taking requests and attempts, lets running ones finish within the grace, closes. */
  stop(): Promise<void>;
}

export interface WeftRoles {
  http: boolean;
  workers: boolean;
  scheduler: boolean;
}

/** Opens the store (migrating it) and builds every part of an instance. */
export async function createWeft(
  config: Config,
  logger: Logger,
  roles: WeftRoles = { http: true, workers: true, scheduler: true },
): Promise<Weft> {
  const store = openSqliteStore({ dataDir: config.dataDir, logger });
  try {
    return await assemble(config, logger, roles, store);
  } catch (error) {
    // A bad certificate or secret key must not leave the store open behind the error.
    await store.close();
    throw error;
  }
}

async function assemble(
  config: Config,
  logger: Logger,
  roles: WeftRoles,
  store: Store,
): Promise<Weft> {
  await migrateToLatest(store.db);
  const secrets = await openSecretStore(config, store, logger);

  const registry = createCoreStepRegistry({ httpAllowHosts: config.httpAllowHosts });
  const bus = createInProcessEventBus((err) => logger.error({ err }, "event listener failed"));
  const queue = createInProcessQueue({ concurrency: config.workerConcurrency });
  const engine = new Engine({
    store,
    queue,
    bus,
    registry,
    logger,
    secrets,
    workerId: `${hostname()}:${process.pid}:${newId().slice(-12)}`,
    leaseMs: config.leaseMs,
    sweepIntervalMs: config.sweepIntervalMs,
    maxOutputBytes: config.maxOutputBytes,
    maxLostAttempts: 5,
  });
  const scheduler = new Scheduler({ db: store.db, engine, logger, intervalMs: 1000 });
  // Backups and pruning are the store's chores: one process does them, the scheduler's.
  const upkeep = roles.scheduler ? createStoreUpkeep(config, store, logger) : undefined;
  let started = false;
  const app = await buildApp({
    config,
    store,
    secrets,
    engine,
    registry,
    bus,
    logger,
    liveFeeds: new LiveFeeds(store.db, config, logger),
    loops: () => ({
      workers: !roles.workers ? "off" : started ? engine.sweepLoop.status() : "stopped",
      scheduler: !roles.scheduler ? "off" : started ? scheduler.loop.status() : "stopped",
    }),
  });

  let stopTls = async () => {};
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      started = false;
      await stopTls();
      await app.close();
      await scheduler.stop();
      await engine.stop(config.shutdownGraceMs);
      await upkeep?.stop();
      await secrets.stopRefreshing();
      await store.close();
    })();
    return stopping;
  };
  return {
    config,
    store,
    secrets,
    engine,
    scheduler,
    registry,
    bus,
    app,
    async start() {
      secrets.startRefreshing(SECRET_REFRESH_MS, (err) =>
        logger.error({ err }, "secrets could not be refreshed"),
      );
      if (roles.workers) engine.start();
      if (roles.scheduler) scheduler.start();
      upkeep?.start();
      started = true;
      if (!roles.http) return "";
      try {
        const url = await app.listen({ host: config.host, port: config.port });
        stopTls = await startTlsServices(app, config, logger);
        return url;
      } catch (error) {
        // A taken port must not leave workers and timers running a server that serves nothing.
        await stop();
        throw error;
      }
    },
    stop,
  };
}
