import { hostname } from "node:os";
import type { FastifyInstance } from "fastify";
import type { Config } from "./config/config.ts";
import { Engine } from "./engine/engine.ts";
import type { StepRegistry } from "./engine/step-registry.ts";
import { createCoreStepRegistry } from "./engine/steps/index.ts";
import { createInProcessEventBus, type EventBus } from "./events/event-bus.ts";
import { buildApp } from "./http/app.ts";
import type { Logger } from "./observability/logger.ts";
import { createInProcessQueue } from "./queue/in-process-queue.ts";
import { Scheduler } from "./scheduler/scheduler.ts";
import { openSqliteStore, type Store } from "./store/database.ts";
import { newId } from "./store/ids.ts";
import { migrateToLatest } from "./store/migrate.ts";

/** One Weft instance: store, engine, scheduler and HTTP app, wired but not yet started. */
export interface Weft {
  config: Config;
  store: Store;
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
  const store = openSqliteStore({ dataDir: config.dataDir });
  await migrateToLatest(store.db);

  const registry = createCoreStepRegistry();
  const bus = createInProcessEventBus((err) => logger.error({ err }, "event listener failed"));
  const queue = createInProcessQueue({ concurrency: config.workerConcurrency });
  const engine = new Engine({
    store,
    queue,
    bus,
    registry,
    logger,
    secrets: config.secrets,
    workerId: `${hostname()}:${process.pid}:${newId().slice(-12)}`,
    leaseMs: config.leaseMs,
    sweepIntervalMs: config.sweepIntervalMs,
    maxOutputBytes: config.maxOutputBytes,
    maxLostAttempts: 5,
  });
  const scheduler = new Scheduler({ db: store.db, engine, logger, intervalMs: 1000 });
  let running = false;
  const app = await buildApp({
    config,
    store,
    engine,
    registry,
    bus,
    logger,
    isRunning: () => running,
  });

  return {
    config,
    store,
    engine,
    scheduler,
    registry,
    bus,
    app,
    async start() {
      if (roles.workers) engine.start();
      if (roles.scheduler) scheduler.start();
      running = true;
      if (!roles.http) return "";
      return app.listen({ host: config.host, port: config.port });
    },
    async stop() {
      running = false;
      await app.close();
      await scheduler.stop();
      await engine.stop(config.shutdownGraceMs);
      await store.close();
    },
  };
}
