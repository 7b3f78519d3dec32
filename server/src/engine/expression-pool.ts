/**
 * Step expressions run in a small pool of child processes. JSONata's own time limit is only
 * checked between evaluation steps, so one built-in call over a huge value (`$string` of ten
 * million numbers, eighty ranges of ten million) could block the event loop for seconds or
 * exhaust the heap and kill the server, and the retried attempt would kill it again after
 * each restart. Here a worker has its own small heap and a wall-clock limit enforced from the
 * server by killing it, so such an expression fails its step and the server carries on.
 *
 * Processes, not worker threads: a thread that reaches its `resourceLimits` with one large
 * allocation (a ten-million-element array is 80 MB) aborts the whole process instead of
 * ending with ERR_WORKER_OUT_OF_MEMORY (nodejs/node#47224, reproduced on Node 24).
 */
import { type ChildProcess, fork } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { StepFailure } from "../errors.ts";
import {
  ExpressionError,
  type ExpressionLimits,
  evaluateExpression,
  type InterpolateOptions,
  interpolate,
  isBoundedSource,
  templateSources,
} from "./expressions.ts";

export interface ExpressionPoolOptions {
  /** Worker processes kept; min(2, available parallelism) unless set. */
  size?: number;
  /** Wall-clock limit of one evaluation, from when a worker takes it; 1000 unless set. */
  timeoutMs?: number;
  /** Old-generation heap of a worker process in MB; 256 unless set. */
  maxOldGenerationSizeMb?: number;
}

/** What ExpressionPool sends a worker. */
export type WorkerRequest =
  | { id: number; op: "evaluate"; source: string; scope: object; limits?: ExpressionLimits }
  | { id: number; op: "interpolate"; value: unknown; scope: object; options?: InterpolateOptions };

/** What a worker answers; errors travel as fields, since Error subclasses do not clone. */
export type WorkerReply =
  | { id: number; ok: true; value: unknown }
  | {
      id: number;
      ok: false;
      error: {
        expression: boolean;
        message: string;
        code?: string;
        position?: number;
        token?: string;
      };
    };

type Job = {
  request: WorkerRequest;
  resolve(value: unknown): void;
  reject(error: unknown): void;
};

interface Slot {
  worker: ChildProcess;
  ready: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
  /** Set once this slot's worker is being replaced, so its exit is not reported twice. */
  retired: boolean;
}

const WORKER_PATH = fileURLToPath(new URL("./expression-worker.ts", import.meta.url));
// Far above what reshaping a run's payloads needs (outputs are capped well below this), yet
// small enough that a couple of runaway workers together stay far from exhausting the host.
const DEFAULT_OLD_GENERATION_MB = 256;
// 16 MB semi-spaces make a 32 MB young generation: V8's default for a 64-bit heap this size,
// stated so the worker's total heap stays near 256 + 32 MB whatever V8 would pick.
const SEMI_SPACE_MB = 16;
// Four times JSONata's own 250 ms limit, so that limit, with its better message, fires first
// for anything it can interrupt; past this only a single runaway built-in call is running.
const DEFAULT_TIMEOUT_MS = 1000;

/** Evaluates JSONata expressions and `{{ }}` templates in worker processes; see module doc. */
export class ExpressionPool {
  readonly #size: number;
  readonly #timeoutMs: number;
  readonly #heapMb: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  #nextId = 1;
  #closed = false;

  constructor(options: ExpressionPoolOptions = {}) {
    this.#size = options.size ?? Math.min(2, availableParallelism());
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#heapMb = options.maxOldGenerationSizeMb ?? DEFAULT_OLD_GENERATION_MB;
    if (!(Number.isInteger(this.#size) && this.#size > 0)) {
      throw new RangeError(`size must be a positive integer, got ${this.#size}`);
    }
  }

  /**
   * Evaluates `source` over `scope`, like evaluateExpression: on a worker, unless it only
   * reads and combines its input, which costs less here than the trip to a worker.
   */
  evaluate(source: string, scope: object, limits?: ExpressionLimits): Promise<unknown> {
    if (isBoundedSource(source)) return evaluateExpression(source, scope, limits);
    return this.#submit({ id: this.#nextId++, op: "evaluate", source, scope, limits });
  }

  /** Interpolates `value` over `scope`, like interpolate; on a worker unless, as above, cheap. */
  async interpolate(value: unknown, scope: object, options?: InterpolateOptions): Promise<unknown> {
    const sources = templateSources(value, options?.skipKeys);
    if (sources.every(isBoundedSource)) return interpolate(value, scope, options);
    return this.#submit({ id: this.#nextId++, op: "interpolate", value, scope, options });
  }

  /** Worker processes alive now, for tests and health. */
  get workerCount(): number {
    return this.#slots.length;
  }

  /** Terminates every worker and fails what is queued or running; later calls are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    const stopped = new StepFailure("shutdown", "the expression workers are shutting down", {
      retryable: true,
    });
    for (const job of this.#queue.splice(0)) job.reject(stopped);
    const slots = this.#slots.splice(0);
    await Promise.all(slots.map((slot) => this.#retire(slot, stopped)));
  }

  #submit(request: WorkerRequest): Promise<unknown> {
    if (this.#closed) {
      const message = "the expression workers are shut down";
      return Promise.reject(new StepFailure("shutdown", message, { retryable: true }));
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ request, resolve, reject });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const idle = this.#slots.find((slot) => slot.ready && !slot.job);
      if (!idle) {
        if (this.#slots.length < this.#size) this.#spawn();
        return;
      }
      this.#run(idle, this.#queue.shift()!);
    }
  }

  #run(slot: Slot, job: Job): void {
    slot.job = job;
    // Only while it works: an idle pool must not keep the process alive.
    setRef(slot.worker, true);
    slot.timer = setTimeout(() => {
      const message = `the expression ran longer than ${this.#timeoutMs}ms`;
      void this.#replace(slot, limitFailure(message));
    }, this.#timeoutMs);
    slot.worker.send(job.request);
  }

  #spawn(): void {
    const worker = fork(WORKER_PATH, [], {
      // Not the server's own flags (a loader, an inspector port): only the heap limits.
      execArgv: [`--max-old-space-size=${this.#heapMb}`, `--max-semi-space-size=${SEMI_SPACE_MB}`],
      // Values are JSON already; structured clone saves a JSON round trip per message.
      serialization: "advanced",
      // V8's out-of-memory report would bypass the server's logger; the failure says enough.
      stdio: ["ignore", "ignore", "ignore", "ipc"],
    });
    const slot: Slot = { worker, ready: false, retired: false };
    this.#slots.push(slot);

    worker.on("message", (message: WorkerReply | { ready: true }) => {
      if ("ready" in message) {
        slot.ready = true;
        // Started for queued work, it stays referenced until that work is done.
        this.#dispatch();
        if (!slot.job) setRef(worker, false);
        return;
      }
      const job = slot.job;
      if (!job || job.request.id !== message.id) return;
      this.#finish(slot);
      if (message.ok) job.resolve(message.value);
      else job.reject(fromReplyError(message.error));
      this.#dispatch();
    });
    worker.on("error", (error) => {
      const failure = new StepFailure(
        "internal",
        `the expression worker failed: ${error.message}`,
        {
          retryable: true,
        },
      );
      void this.#replace(slot, failure);
    });
    worker.on("exit", (code, signal) => {
      // V8 aborts the process when the heap limit is reached.
      const failure =
        signal === "SIGABRT" || code === 134
          ? limitFailure(`the expression used more than ${this.#heapMb} MB`)
          : new StepFailure("internal", `the expression worker exited (${signal ?? code})`, {
              retryable: true,
            });
      void this.#replace(slot, failure);
    });
  }

  #finish(slot: Slot): Job | undefined {
    const job = slot.job;
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.timer = undefined;
    setRef(slot.worker, false);
    return job;
  }

  /** Drops a worker that ran out of time or memory, fails its job, and lets a fresh one start. */
  async #replace(slot: Slot, failure: StepFailure): Promise<void> {
    if (slot.retired) return;
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots.splice(index, 1);
    // One that died before it was ready would die again: fail the waiting work, not respawn.
    if (!slot.ready) for (const job of this.#queue.splice(0)) job.reject(failure);
    const done = this.#retire(slot, failure);
    if (!this.#closed) this.#dispatch();
    await done;
  }

  async #retire(slot: Slot, failure: StepFailure): Promise<void> {
    if (slot.retired) return;
    slot.retired = true;
    this.#finish(slot)?.reject(failure);
    const { worker } = slot;
    if (worker.exitCode !== null || worker.signalCode !== null) return;
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    // Referenced, so whoever awaits this (engine stop) sees the exit before the loop empties.
    setRef(worker, true);
    worker.kill("SIGKILL");
    await exited;
  }
}

/** Only a busy worker may keep the process alive; an idle pool must not hold up its exit. */
function setRef(worker: ChildProcess, busy: boolean): void {
  if (busy) {
    worker.ref();
    worker.channel?.ref();
  } else {
    worker.unref();
    worker.channel?.unref();
  }
}

function limitFailure(message: string): StepFailure {
  return new StepFailure("expression-limit", message, { retryable: false });
}

function fromReplyError(error: Extract<WorkerReply, { ok: false }>["error"]): Error {
  if (!error.expression) return new Error(error.message);
  const { message, code, position, token } = error;
  return new ExpressionError(message, { code, position, token });
}
