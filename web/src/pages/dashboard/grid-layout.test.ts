import { describe, expect, it } from "vitest";
import { DEFAULT_LAYOUT } from "../../../../server/src/http/dashboard-layout.ts";
import type { DashboardWidget } from "../../api/answers.ts";
import { widgetTitles } from "./widget-kinds.ts";
import {
  addWidget,
  canMove,
  compacted,
  firstFreePlace,
  inReadingOrder,
  moveWidget,
  newWidgetId,
  removeWidget,
  resizeWidget,
  samePlaces,
  toGridLayout,
  withGridPlaces,
  withRange,
} from "./grid-layout.ts";

const defaults: DashboardWidget[] = DEFAULT_LAYOUT.widgets;
const ids = (widgets: DashboardWidget[]) => inReadingOrder(widgets).map((w) => w.id);
const place = (widgets: DashboardWidget[], id: string) => {
  const w = widgets.find((widget) => widget.id === id)!;
  return { x: w.x, y: w.y, w: w.w, h: w.h };
};

function overlaps(widgets: DashboardWidget[]): boolean {
  return widgets.some((a, i) =>
    widgets.some(
      (b, j) => i < j && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h,
    ),
  );
}

describe("conversion to and from the grid's items", () => {
  it("keys items by widget id and keeps places, with the minimum size to resize to", () => {
    const items = toGridLayout(defaults);
    expect(items[0]).toEqual({
      i: "runs-by-status",
      x: 0,
      y: 0,
      w: 8,
      h: 4,
      minW: 3,
      minH: 2,
      maxH: 24,
    });
    expect(samePlaces(withGridPlaces(defaults, items), defaults)).toBe(true);
  });

  it("takes the grid's places back, keeping each widget's kind and options", () => {
    const moved = toGridLayout(defaults).map((item) =>
      item.i === "success-rate" ? { ...item, x: 0, y: 12, w: 6, h: 3 } : item,
    );
    const widgets = withGridPlaces(defaults, moved);
    expect(widgets.find((w) => w.id === "success-rate")).toEqual({
      id: "success-rate",
      type: "success-rate",
      x: 0,
      y: 12,
      w: 6,
      h: 3,
      options: { range: "24h" },
    });
  });

  it("keeps what the grid reports inside the bounds the server checks", () => {
    const wild = [{ i: "throughput", x: 11, y: -2, w: 30, h: 99.4 }];
    expect(place(withGridPlaces(defaults, wild), "throughput")).toEqual({
      x: 0,
      y: 0,
      w: 12,
      h: 24,
    });
  });

  it("tells a moved widget from an unmoved arrangement", () => {
    expect(samePlaces(defaults, [...defaults])).toBe(true);
    expect(samePlaces(defaults, resizeWidget(defaults, "throughput", { w: 6, h: 3 }))).toBe(false);
    expect(samePlaces(defaults, defaults.slice(1))).toBe(false);
  });

  it("finds the server's default already compact, so loading it saves nothing", () => {
    expect(samePlaces(compacted(defaults), defaults)).toBe(true);
  });
});

describe("adding a widget", () => {
  it("puts it in the first free place, a gap beside others included", () => {
    const without = removeWidget(defaults, "throughput");
    expect(firstFreePlace(without, { w: 4, h: 2 })).toEqual({ x: 8, y: 2 });
    const added = addWidget(without, "throughput", "throughput-2");
    expect(place(added, "throughput-2")).toEqual({ x: 8, y: 2, w: 4, h: 2 });
    expect(added.find((w) => w.id === "throughput-2")?.options).toEqual({ range: "24h" });
  });

  it("puts it under everything when no gap is wide enough", () => {
    const added = addWidget(defaults, "upcoming-schedules", "next");
    expect(place(added, "next")).toEqual({ x: 0, y: 11, w: 12, h: 3 });
    expect(added.find((w) => w.id === "next")?.options).toEqual({ limit: 10 });
    expect(overlaps(added)).toBe(false);
  });

  it("starts an empty dashboard at the top left", () => {
    expect(place(addWidget([], "success-rate", "rate"), "rate")).toEqual({
      x: 0,
      y: 0,
      w: 4,
      h: 2,
    });
  });

  it("makes ids the server accepts and no widget has", () => {
    const id = newWidgetId(defaults, "recent-failures");
    expect(id).toMatch(/^recent-failures-[a-z0-9]+$/);
    expect(defaults.some((w) => w.id === id)).toBe(false);
  });
});

describe("removing and resizing", () => {
  it("closes the gap a removed widget leaves", () => {
    const removed = removeWidget(defaults, "recent-failures");
    expect(removed.map((w) => w.id)).not.toContain("recent-failures");
    expect(place(removed, "upcoming-schedules").y).toBe(8);
    expect(place(removeWidget(removed, "slowest-workflows"), "upcoming-schedules").y).toBe(4);
  });

  it("applies a size preset, kept inside the grid, pushing what it now covers down", () => {
    const resized = resizeWidget(defaults, "success-rate", { w: 12, h: 4 });
    expect(place(resized, "success-rate")).toEqual({ x: 0, y: 4, w: 12, h: 4 });
    expect(overlaps(resized)).toBe(false);
    expect(resized).toHaveLength(defaults.length);
  });

  it("shrinks a widget in place", () => {
    const resized = resizeWidget(defaults, "runs-by-status", { w: 4, h: 2 });
    expect(place(resized, "runs-by-status")).toEqual({ x: 0, y: 0, w: 4, h: 2 });
    expect(overlaps(resized)).toBe(false);
  });

  it("changes a widget's range and nothing else", () => {
    const changed = withRange(defaults, "slowest-workflows", "30d");
    expect(changed.find((w) => w.id === "slowest-workflows")?.options).toEqual({
      range: "30d",
      limit: 10,
    });
    expect(samePlaces(changed, defaults)).toBe(true);
  });
});

describe("moving earlier and later", () => {
  const order = [
    "runs-by-status",
    "success-rate",
    "throughput",
    "recent-failures",
    "slowest-workflows",
    "upcoming-schedules",
  ];

  it("reads the default row by row, left to right", () => {
    expect(ids(defaults)).toEqual(order);
  });

  it("moves a widget one place earlier, with no overlap", () => {
    const moved = moveWidget(defaults, "success-rate", "earlier");
    expect(ids(moved)).toEqual(["success-rate", "runs-by-status", ...order.slice(2)]);
    expect(overlaps(moved)).toBe(false);
  });

  it("moves a widget one place later, and back again", () => {
    const moved = moveWidget(defaults, "recent-failures", "later");
    expect(ids(moved)).toEqual([
      ...order.slice(0, 3),
      "slowest-workflows",
      "recent-failures",
      order[5],
    ]);
    expect(ids(moveWidget(moved, "recent-failures", "earlier"))).toEqual(order);
  });

  it("still moves when sizes make a plain swap compact into another order", () => {
    // Swapped, the wide widget covers the small one, which is pushed below "last".
    const widgets: DashboardWidget[] = [
      { id: "small", type: "success-rate", x: 0, y: 0, w: 4, h: 2 },
      { id: "wide", type: "runs-by-status", x: 4, y: 0, w: 8, h: 4 },
      { id: "last", type: "throughput", x: 0, y: 2, w: 4, h: 2 },
    ];
    const moved = moveWidget(widgets, "small", "later");
    expect(ids(moved)).toEqual(["wide", "small", "last"]);
    expect(overlaps(moved)).toBe(false);
    expect(ids(compacted(moved))).toEqual(["wide", "small", "last"]);
  });

  it("offers no move past either end", () => {
    expect(canMove(defaults, "runs-by-status", "earlier")).toBe(false);
    expect(canMove(defaults, "runs-by-status", "later")).toBe(true);
    expect(canMove(defaults, "upcoming-schedules", "later")).toBe(false);
    expect(ids(moveWidget(defaults, "runs-by-status", "earlier"))).toEqual(order);
  });
});

describe("widgetTitles", () => {
  it("numbers the second and later widgets of one title, in the order given", () => {
    const widget = (id: string, type: DashboardWidget["type"], title?: string) =>
      ({
        id,
        type,
        x: 0,
        y: 0,
        w: 4,
        h: 2,
        ...(title ? { options: { title } } : {}),
      }) as DashboardWidget;
    const titles = widgetTitles([
      widget("a", "runs-by-status"),
      widget("b", "throughput"),
      widget("c", "runs-by-status"),
      widget("d", "runs-by-status", "Nightly"),
      widget("e", "runs-by-status"),
    ]);
    expect([...titles.values()]).toEqual([
      "Runs by status",
      "Throughput",
      "Runs by status (2)",
      "Nightly",
      "Runs by status (3)",
    ]);
  });
});
