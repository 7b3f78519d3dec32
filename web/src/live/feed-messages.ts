import type { RunEvent } from "../../../server/src/events/event-map.ts";

/** One relayed run or step change, as the server's event map defines it. */
export type LiveEvent = RunEvent;

/** What a subscription covers: one run, or every run of one workflow (by id, not name). */
export type Topic = { kind: "run"; id: string } | { kind: "workflow"; id: string };

/** Messages the live feed sends (see server/src/http/routes/events.ts). */
export type FeedMessage =
  | { type: "event"; event: LiveEvent }
  | { type: "subscribed" | "unsubscribed"; runId?: string; workflowId?: string }
  | { type: "error"; message: string };

/** The text to send to start or stop receiving a topic's events. */
export function topicMessage(action: "subscribe" | "unsubscribe", topic: Topic): string {
  return JSON.stringify(
    topic.kind === "run"
      ? { type: action, runId: topic.id }
      : { type: action, workflowId: topic.id },
  );
}

/** Reads one message from the feed; undefined for anything that is not one of its messages. */
export function parseFeedMessage(text: string): FeedMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case "event":
      return isEvent(message.event) ? { type: "event", event: message.event } : undefined;
    case "subscribed":
    case "unsubscribed":
      return {
        type: message.type,
        ...(typeof message.runId === "string" ? { runId: message.runId } : {}),
        ...(typeof message.workflowId === "string" ? { workflowId: message.workflowId } : {}),
      };
    case "error":
      return { type: "error", message: String(message.message ?? "") };
    default:
      return undefined;
  }
}

/** The topic a `subscribed` acknowledgement confirms. */
export function acknowledgedTopic(message: {
  runId?: string;
  workflowId?: string;
}): Topic | undefined {
  if (message.runId) return { kind: "run", id: message.runId };
  if (message.workflowId) return { kind: "workflow", id: message.workflowId };
  return undefined;
}

function isEvent(value: unknown): value is LiveEvent {
  if (typeof value !== "object" || value === null) return false;
  const event = value as Record<string, unknown>;
  return (
    typeof event.type === "string" &&
    typeof event.runId === "string" &&
    typeof event.workflowId === "string" &&
    typeof event.at === "string"
  );
}
