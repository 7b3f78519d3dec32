import { Box, Stack } from "@mantine/core";
import { useCallback, useEffect, useMemo, useRef } from "react";
import ReactGridLayout, { type Layout, useContainerWidth } from "react-grid-layout";
import type { DashboardWidget } from "../../api/answers.ts";
import { provideDraggableStyle } from "./draggable-style.ts";
import {
  COLUMNS,
  canMove,
  inReadingOrder,
  moveWidget,
  removeWidget,
  resizeWidget,
  samePlaces,
  toGridLayout,
  withGridPlaces,
  withRange,
} from "./grid-layout.ts";
import { DRAG_HANDLE, NO_DRAG, type WidgetActions, WidgetFrame } from "./widget-frame.tsx";
import { widgetTitles } from "./widget-kinds.ts";

const ROW_HEIGHT = 96;
const GAP = 16;
/** Below this width the grid's columns are too narrow: widgets stack in reading order. */
const PHONE_WIDTH = 640;
/** A phone shows a widget at most this many rows tall, whatever its size on the grid. */
const PHONE_MAX_ROWS = 3;

const gridConfig = {
  cols: COLUMNS,
  rowHeight: ROW_HEIGHT,
  margin: [GAP, GAP] as [number, number],
  containerPadding: [0, 0] as [number, number],
};
const dragConfig = { handle: `.${DRAG_HANDLE}`, cancel: `.${NO_DRAG}` };
const resizeConfig = { handles: ["se" as const] };

/**
 * The widgets on a 12-column grid, dragged by their headers and resized by their corners; on
 * a phone, one column in the same order. Every change reaches `onChange` once it is done.
 */
export function DashboardGrid({
  widgets,
  onChange,
}: {
  widgets: DashboardWidget[];
  onChange(next: DashboardWidget[]): void;
}) {
  const { width, containerRef, mounted } = useContainerWidth({ measureBeforeMount: true });
  const current = useRef(widgets);
  current.current = widgets;
  const layout = useMemo(() => toGridLayout(widgets), [widgets]);
  const ordered = inReadingOrder(widgets);
  const titles = widgetTitles(ordered);
  useEffect(provideDraggableStyle, []);

  // The grid reports its layout on mount and after every drag and resize: only a real
  // change of place or size is one to save.
  const onLayoutChange = useCallback(
    (next: Layout) => {
      const placed = withGridPlaces(current.current, next);
      if (!samePlaces(placed, current.current)) onChange(placed);
    },
    [onChange],
  );

  const actionsFor = (id: string): WidgetActions => ({
    canMove: (direction) => canMove(widgets, id, direction),
    move: (direction) => onChange(moveWidget(widgets, id, direction)),
    resize: (size) => onChange(resizeWidget(widgets, id, size)),
    setRange: (range) => onChange(withRange(widgets, id, range)),
    remove: () => onChange(removeWidget(widgets, id)),
  });

  const phone = width < PHONE_WIDTH;
  return (
    <div ref={containerRef} data-testid="dashboard-grid" data-columns={phone ? 1 : COLUMNS}>
      {!mounted ? null : phone ? (
        <Stack gap={GAP}>
          {ordered.map((widget) => (
            <Box
              key={widget.id}
              h={heightOf(Math.min(widget.h, PHONE_MAX_ROWS))}
              {...placeAttributes(widget)}
            >
              <WidgetFrame
                widget={widget}
                title={titles.get(widget.id)!}
                actions={actionsFor(widget.id)}
                draggable={false}
              />
            </Box>
          ))}
        </Stack>
      ) : (
        <ReactGridLayout
          width={width}
          layout={layout}
          gridConfig={gridConfig}
          dragConfig={dragConfig}
          resizeConfig={resizeConfig}
          onLayoutChange={onLayoutChange}
        >
          {ordered.map((widget) => (
            <div key={widget.id} {...placeAttributes(widget)}>
              <WidgetFrame
                widget={widget}
                title={titles.get(widget.id)!}
                actions={actionsFor(widget.id)}
                draggable
              />
            </div>
          ))}
        </ReactGridLayout>
      )}
    </div>
  );
}

/** Where a widget sits, in its element: tests and tools read the arrangement off the page. */
function placeAttributes(widget: DashboardWidget) {
  return {
    "data-widget-id": widget.id,
    "data-widget-type": widget.type,
    "data-x": widget.x,
    "data-y": widget.y,
    "data-w": widget.w,
    "data-h": widget.h,
  };
}

function heightOf(rows: number): number {
  return rows * ROW_HEIGHT + (rows - 1) * GAP;
}
