import { StepFailure } from "../errors.ts";
import type { ErrorInfo } from "../events/event-map.ts";
import { ExpressionError } from "./expressions.ts";

/** Rejects when the signal aborts, even if the step type ignores its signal. */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      const reason = signal.reason;
      if (reason instanceof StepFailure) reject(reason);
      else if (reason instanceof DOMException && reason.name === "TimeoutError") {
        reject(new StepFailure("timeout", `timed out after ${timeoutMs}ms`, { retryable: true }));
      } else reject(new StepFailure("cancelled", "the attempt was aborted", { retryable: false }));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** The stored form of whatever a step threw. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof StepFailure) {
    const details = (error as { details?: unknown }).details;
    return {
      kind: error.kind,
      message: error.message,
      retryable: error.retryable,
      ...(details === undefined ? {} : { details }),
    };
  }
  if (error instanceof ExpressionError)
    return { kind: "expression", message: error.message, retryable: false };
  const message = error instanceof Error ? error.message : String(error);
  return { kind: "internal", message, retryable: true };
}
