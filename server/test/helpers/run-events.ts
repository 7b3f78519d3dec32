import type { TestServer } from "./test-server.ts";

/** A run's event as GET /api/v1/runs/:id/events lists it. */
export interface EventView {
  id: number;
  type: string;
  stepId: string | null;
  data: Record<string, unknown> | null;
  at: string;
}

/** Reads a run's events in order through the API. */
export async function getEvents(server: TestServer, runId: string): Promise<EventView[]> {
  const response = await server.api(`/api/v1/runs/${runId}/events`);
  if (response.status !== 200) throw new Error(`reading events failed: ${response.status}`);
  return ((await response.json()) as { items: EventView[] }).items;
}

/** The events' types, each with its step id when it has one (`step:started a`). */
export function eventLabels(events: readonly Pick<EventView, "type" | "stepId">[]): string[] {
  return events.map((e) => (e.stepId ? `${e.type} ${e.stepId}` : e.type));
}
