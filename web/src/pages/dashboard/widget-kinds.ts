import type { DashboardWidget } from "../../api/answers.ts";

/** What a widget shows; the server's layout schema lists the same kinds. */
export type WidgetKind = DashboardWidget["type"];

/** How far back a widget looks. */
export type StatsRange = NonNullable<NonNullable<DashboardWidget["options"]>["range"]>;

export interface WidgetSize {
  w: number;
  h: number;
}

interface KindInfo {
  title: string;
  /** Whether the widget reads a time range (and so shows the range control). */
  ranged: boolean;
  size: WidgetSize;
}

/** Every kind in the order the "Add widget" menu lists them. */
export const WIDGET_KINDS: Record<WidgetKind, KindInfo> = {
  "runs-by-status": { title: "Runs by status", ranged: true, size: { w: 8, h: 4 } },
  "success-rate": { title: "Success rate", ranged: true, size: { w: 4, h: 2 } },
  throughput: { title: "Throughput", ranged: true, size: { w: 4, h: 2 } },
  "recent-failures": { title: "Recent failures", ranged: false, size: { w: 6, h: 4 } },
  "slowest-workflows": { title: "Slowest workflows", ranged: true, size: { w: 6, h: 4 } },
  "upcoming-schedules": { title: "Upcoming schedules", ranged: false, size: { w: 12, h: 3 } },
};

export const KIND_ORDER = Object.keys(WIDGET_KINDS) as WidgetKind[];

export const RANGES: { value: StatsRange; label: string; long: string }[] = [
  { value: "24h", label: "24 h", long: "the last 24 hours" },
  { value: "7d", label: "7 d", long: "the last 7 days" },
  { value: "30d", label: "30 d", long: "the last 30 days" },
];

/** The sizes a widget's menu offers, so that resizing needs no mouse. */
export const SIZE_PRESETS: { label: string; size: WidgetSize }[] = [
  { label: "Small", size: { w: 4, h: 2 } },
  { label: "Medium", size: { w: 6, h: 3 } },
  { label: "Large", size: { w: 8, h: 4 } },
  { label: "Full width", size: { w: 12, h: 4 } },
];

/** The smallest a widget may be dragged to: its header and a line of content. */
export const MIN_SIZE: WidgetSize = { w: 3, h: 2 };

export function widgetTitle(widget: DashboardWidget): string {
  return widget.options?.title || WIDGET_KINDS[widget.type].title;
}

/**
 * Each widget's title as shown and announced, in the order given (reading order): a second
 * widget of the same title becomes "Runs by status (2)", so that its controls' names differ.
 */
export function widgetTitles(widgets: readonly DashboardWidget[]): Map<string, string> {
  const seen = new Map<string, number>();
  return new Map(
    widgets.map((widget) => {
      const title = widgetTitle(widget);
      const count = (seen.get(title) ?? 0) + 1;
      seen.set(title, count);
      return [widget.id, count === 1 ? title : `${title} (${count})`];
    }),
  );
}

export function widgetRange(widget: DashboardWidget): StatsRange {
  return widget.options?.range ?? "24h";
}

export function rangeText(range: StatsRange): string {
  return RANGES.find((r) => r.value === range)?.long ?? range;
}
