/** How long to wait before the next reconnect: doubling from `baseMs` up to `capMs`. */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 15_000 };

/**
 * The wait before reconnect number `attempt` (0 for the first): exponential up to the cap,
 * spread over its upper half by `random` so that many tabs dropped by one restart do not all
 * come back in the same instant.
 */
export function reconnectDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
