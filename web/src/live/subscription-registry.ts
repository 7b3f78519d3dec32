import type { LiveEvent, Topic } from "./feed-messages.ts";

/** Which events a subscriber wants: those of one run, of one workflow's runs, or of either. */
export interface LiveFilter {
  runId?: string;
  /** The workflow's id (events carry ids, not names). */
  workflowId?: string;
}

/** One subscriber: its events, and a call each time one of its topics is (re)confirmed. */
export interface LiveListener {
  onEvent(event: LiveEvent): void;
  onSubscribed?(): void;
}

interface Entry {
  topics: Topic[];
  listener: LiveListener;
}

const keyOf = (topic: Topic) => `${topic.kind}:${topic.id}`;

/** The topics a filter asks the server for; an empty filter asks for none. */
export function topicsOf(filter: LiveFilter): Topic[] {
  const topics: Topic[] = [];
  if (filter.runId) topics.push({ kind: "run", id: filter.runId });
  if (filter.workflowId) topics.push({ kind: "workflow", id: filter.workflowId });
  return topics;
}

/**
 * The subscribers of one feed, counted per topic: the server hears of a topic once when its
 * first subscriber comes and once when its last one goes, however many components share it.
 */
export class SubscriptionRegistry {
  readonly #entries = new Set<Entry>();
  readonly #counts = new Map<string, { topic: Topic; count: number }>();

  get size(): number {
    return this.#entries.size;
  }

  /** Every topic someone wants, to send again on a new connection. */
  topics(): Topic[] {
    return [...this.#counts.values()].map((c) => c.topic);
  }

  /** Adds a subscriber; `added` lists the topics nobody wanted before. */
  add(filter: LiveFilter, listener: LiveListener): { added: Topic[]; remove: () => Topic[] } {
    const entry: Entry = { topics: topicsOf(filter), listener };
    this.#entries.add(entry);
    const added = entry.topics.filter((topic) => this.#retain(topic));
    let removed = false;
    const remove = () => {
      if (removed) return [];
      removed = true;
      this.#entries.delete(entry);
      return entry.topics.filter((topic) => this.#release(topic));
    };
    return { added, remove };
  }

  /** Hands an event to each subscriber whose run or workflow it belongs to. */
  dispatch(event: LiveEvent): void {
    for (const entry of [...this.#entries]) {
      if (entry.topics.some((topic) => matches(topic, event))) entry.listener.onEvent(event);
    }
  }

  /** Tells the subscribers of a topic that the server now relays it. */
  confirm(topic: Topic): void {
    const key = keyOf(topic);
    for (const entry of [...this.#entries]) {
      if (entry.topics.some((t) => keyOf(t) === key)) entry.listener.onSubscribed?.();
    }
  }

  #retain(topic: Topic): boolean {
    const key = keyOf(topic);
    const known = this.#counts.get(key);
    if (known) {
      known.count += 1;
      return false;
    }
    this.#counts.set(key, { topic, count: 1 });
    return true;
  }

  #release(topic: Topic): boolean {
    const key = keyOf(topic);
    const known = this.#counts.get(key);
    if (!known) return false;
    known.count -= 1;
    if (known.count > 0) return false;
    this.#counts.delete(key);
    return true;
  }
}

function matches(topic: Topic, event: LiveEvent): boolean {
  return topic.kind === "run" ? event.runId === topic.id : event.workflowId === topic.id;
}
