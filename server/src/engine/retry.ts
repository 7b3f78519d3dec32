import type { ErrorInfo } from "../events/event-map.ts";
import type { RetryPolicy } from "./definition.ts";
import { parseDuration } from "./duration.ts";

/** A step without a `retry` block gets one attempt. */
export const NO_RETRY: RetryPolicy = {
  attempts: 1,
  backoff: "exponential",
  initialDelay: "1s",
  maxDelay: "5m",
  jitter: true,
};

/**
 * The wait before the attempt after `failedAttempt` (1-based). Exponential doubles from
 * initialDelay; jitter spreads each wait over its upper half so that retries of many runs
 * do not land at once, and never past maxDelay.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  failedAttempt: number,
  random = Math.random,
): number {
  const initial = parseDuration(policy.initialDelay) ?? 1000;
  const max = parseDuration(policy.maxDelay) ?? 300_000;
  const base =
    policy.backoff === "fixed" ? initial : initial * 2 ** Math.min(failedAttempt - 1, 40);
  const capped = Math.min(base, max);
  return policy.jitter ? Math.round(capped / 2 + (random() * capped) / 2) : capped;
}

/** Whether a failure may be retried under the policy, given how many attempts failed. */
export function shouldRetry(
  policy: RetryPolicy,
  error: ErrorInfo,
  failedAttempts: number,
): boolean {
  if (failedAttempts >= policy.attempts) return false;
  if (policy.retryOn) return policy.retryOn.includes(error.kind);
  return error.retryable === true;
}
