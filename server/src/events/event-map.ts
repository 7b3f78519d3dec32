/**
 * Every change of a run that Weft records and relays, keyed by `subject:verb`.
 * The bus, the events table and the WebSocket relay accept these names and no others.
 */
export interface RunEventMap {
  "run:queued": { triggerType: string };
  "run:started": Record<string, never>;
  "run:succeeded": { durationMs: number };
  "run:failed": { error: ErrorInfo; durationMs: number };
  "run:cancelled": { reason: string };
  "step:started": { attempt: number };
  "step:succeeded": { attempt: number; durationMs: number };
  "step:failed": { attempt: number; error: ErrorInfo; durationMs: number };
  "step:retrying": { attempt: number; error: ErrorInfo; delayMs: number };
  "step:skipped": { reason: string };
  "step:waiting": { until: string };
  "step:cancelled": Record<string, never>;
  "step:log": { message: string; level: string; data?: unknown };
}

export type RunEventType = keyof RunEventMap;

/** An error as stored and shown: never a stack trace. */
export interface ErrorInfo {
  kind: string;
  message: string;
  retryable?: boolean;
  details?: unknown;
}

/** One appended record of a state change of a run. */
export interface RunEvent<T extends RunEventType = RunEventType> {
  id?: number;
  type: T;
  runId: string;
  workflowId: string;
  stepId?: string;
  data: RunEventMap[T];
  at: string;
}
