import type { Layout } from "react-grid-layout";
import { collides, verticalCompactor } from "react-grid-layout/core";
import type { DashboardWidget } from "../../api/answers.ts";
import { MIN_SIZE, WIDGET_KINDS, type WidgetKind, type WidgetSize } from "./widget-kinds.ts";

/**
 * The dashboard's arrangement as plain functions of its widgets: conversion to and from
 * react-grid-layout's items, and the changes the widget menus make without a mouse. Every
 * change ends compacted upwards, as the grid itself compacts, so what is saved is what shows.
 */

export const COLUMNS = 12;
/** The server's bound on a widget's height, in rows. */
const MAX_HEIGHT = 24;

/** react-grid-layout's items for the widgets, one per widget, keyed by the widget's id. */
export function toGridLayout(widgets: readonly DashboardWidget[]): Layout {
  return widgets.map((widget) => ({
    i: widget.id,
    x: widget.x,
    y: widget.y,
    w: widget.w,
    h: widget.h,
    minW: MIN_SIZE.w,
    minH: MIN_SIZE.h,
    maxH: MAX_HEIGHT,
  }));
}

/** The widgets placed where the grid's items say; a widget the grid lacks keeps its place. */
export function withGridPlaces(
  widgets: readonly DashboardWidget[],
  layout: Layout,
): DashboardWidget[] {
  const items = new Map(layout.map((item) => [item.i, item]));
  return widgets.map((widget) => {
    const item = items.get(widget.id);
    if (!item) return widget;
    const w = clamp(item.w, 1, COLUMNS);
    return {
      ...widget,
      x: clamp(item.x, 0, COLUMNS - w),
      y: Math.max(0, item.y),
      w,
      h: clamp(item.h, 1, MAX_HEIGHT),
    };
  });
}

/** Whether two arrangements put every widget at the same place and size. */
export function samePlaces(a: readonly DashboardWidget[], b: readonly DashboardWidget[]): boolean {
  if (a.length !== b.length) return false;
  const places = new Map(b.map((w) => [w.id, w]));
  return a.every((w) => {
    const other = places.get(w.id);
    return other && other.x === w.x && other.y === w.y && other.w === w.w && other.h === w.h;
  });
}

/** Widgets as a reader meets them: row by row, left to right. */
export function inReadingOrder(widgets: readonly DashboardWidget[]): DashboardWidget[] {
  return [...widgets].sort((a, b) => a.y - b.y || a.x - b.x);
}

/** The widgets moved up into any free space above them, overlaps pushed down. */
export function compacted(widgets: readonly DashboardWidget[]): DashboardWidget[] {
  return withGridPlaces(widgets, verticalCompactor.compact(toGridLayout(widgets), COLUMNS));
}

/** The first place, row by row and left to right, where a widget of this size overlaps none. */
export function firstFreePlace(
  widgets: readonly DashboardWidget[],
  size: WidgetSize,
): { x: number; y: number } {
  const w = Math.min(size.w, COLUMNS);
  const bottom = Math.max(0, ...widgets.map((widget) => widget.y + widget.h));
  for (let y = 0; y < bottom; y++) {
    for (let x = 0; x + w <= COLUMNS; x++) {
      const candidate = { i: "", x, y, w, h: size.h };
      if (!widgets.some((widget) => collides(candidate, { ...widget, i: widget.id }))) {
        return { x, y };
      }
    }
  }
  return { x: 0, y: bottom };
}

/** A new widget of a kind, at its usual size in the first free place. */
export function addWidget(
  widgets: readonly DashboardWidget[],
  type: WidgetKind,
  id: string,
): DashboardWidget[] {
  const kind = WIDGET_KINDS[type];
  const size = { w: kind.size.w, h: kind.size.h };
  const options = kind.ranged ? { range: "24h" as const } : { limit: 10 };
  const added = { id, type, ...firstFreePlace(widgets, size), ...size, options };
  return compacted([...widgets, added]);
}

/** An id no widget has yet, readable in the saved layout: the kind and a few random letters. */
export function newWidgetId(widgets: readonly DashboardWidget[], type: WidgetKind): string {
  const taken = new Set(widgets.map((w) => w.id));
  for (;;) {
    const id = `${type}-${Math.random().toString(36).slice(2, 8)}`;
    if (!taken.has(id)) return id;
  }
}

export function removeWidget(widgets: readonly DashboardWidget[], id: string): DashboardWidget[] {
  return compacted(widgets.filter((w) => w.id !== id));
}

/** The widget at a new size, kept inside the grid; whatever it now overlaps moves down. */
export function resizeWidget(
  widgets: readonly DashboardWidget[],
  id: string,
  size: WidgetSize,
): DashboardWidget[] {
  return compacted(
    widgets.map((w) =>
      w.id === id ? { ...w, w: size.w, h: size.h, x: Math.min(w.x, COLUMNS - size.w) } : w,
    ),
  );
}

export type MoveDirection = "earlier" | "later";

/**
 * The widget swapped with its neighbour in reading order, the keyboard's way to drag. Sizes
 * that differ can make the swap compact back into the old order; then the widgets are stacked
 * in the new order at the left edge, which no compaction reorders.
 */
export function moveWidget(
  widgets: readonly DashboardWidget[],
  id: string,
  direction: MoveDirection,
): DashboardWidget[] {
  const order = inReadingOrder(widgets);
  const index = order.findIndex((w) => w.id === id);
  const otherIndex = direction === "earlier" ? index - 1 : index + 1;
  const moving = order[index];
  const other = order[otherIndex];
  if (!moving || !other) return [...widgets];

  const swapped = compacted(
    widgets.map((w) => {
      if (w.id === moving.id) return placedAt(w, other);
      if (w.id === other.id) return placedAt(w, moving);
      return w;
    }),
  );
  const wanted = order.map((w) => w.id);
  [wanted[index], wanted[otherIndex]] = [other.id, moving.id];
  if (sameOrder(swapped, wanted)) return swapped;
  return stacked(widgets, wanted);
}

export function canMove(
  widgets: readonly DashboardWidget[],
  id: string,
  direction: MoveDirection,
): boolean {
  const index = inReadingOrder(widgets).findIndex((w) => w.id === id);
  return direction === "earlier" ? index > 0 : index >= 0 && index < widgets.length - 1;
}

function placedAt(widget: DashboardWidget, place: DashboardWidget): DashboardWidget {
  return { ...widget, x: Math.min(place.x, COLUMNS - widget.w), y: place.y };
}

function sameOrder(widgets: readonly DashboardWidget[], ids: readonly string[]): boolean {
  return inReadingOrder(widgets).every((w, i) => w.id === ids[i]);
}

function stacked(widgets: readonly DashboardWidget[], ids: readonly string[]): DashboardWidget[] {
  let y = 0;
  const places = new Map<string, number>();
  for (const id of ids) {
    const widget = widgets.find((w) => w.id === id)!;
    places.set(id, y);
    y += widget.h;
  }
  return widgets.map((w) => ({ ...w, x: 0, y: places.get(w.id)! }));
}

/** A widget's time range changed; its place stays. */
export function withRange(
  widgets: readonly DashboardWidget[],
  id: string,
  range: NonNullable<DashboardWidget["options"]>["range"],
): DashboardWidget[] {
  return widgets.map((w) => (w.id === id ? { ...w, options: { ...w.options, range } } : w));
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}
