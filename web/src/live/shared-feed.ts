import { LiveFeed } from "./live-feed.ts";

/** The feed's address on this page's own origin: wss: under https, ws: otherwise. */
export function eventsUrl(where: Pick<Location, "protocol" | "host">): string {
  return `${where.protocol === "https:" ? "wss:" : "ws:"}//${where.host}/api/v1/events`;
}

let shared: LiveFeed | undefined;

/** The tab's one live feed, made on first use; its socket opens with its first subscriber. */
export function sharedLiveFeed(): LiveFeed {
  shared ??= new LiveFeed({ url: eventsUrl(location) });
  return shared;
}
