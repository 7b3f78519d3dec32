import type { RunEvent } from "./event-map.ts";

export type RunEventListener = (event: RunEvent) => void;

/**
 * Carries recorded run events to listeners in this process. A distributed deployment
 * swaps it for one that also publishes through Redis; listeners see the same shape.
 */
export interface EventBus {
  publish(events: readonly RunEvent[]): void;
  subscribe(listener: RunEventListener): () => void;
}

/** The embedded bus: synchronous fan-out; a throwing listener cannot stop the others. */
export function createInProcessEventBus(onListenerError: (error: unknown) => void): EventBus {
  const listeners = new Set<RunEventListener>();
  return {
    publish(events) {
      for (const event of events) {
        for (const listener of listeners) {
          try {
            listener(event);
          } catch (error) {
            onListenerError(error);
          }
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
