// The live feed for pages: hooks over one shared WebSocket per tab.
export type { RunDetail } from "../api/answers.ts";
export type { LiveEvent } from "./feed-messages.ts";
export type { FeedStatus } from "./live-feed.ts";
export type { LiveFilter } from "./subscription-registry.ts";
export { useLiveEvents, useLiveStatus } from "./use-live-events.ts";
export { runQuery, useLiveRun } from "./use-live-run.ts";
