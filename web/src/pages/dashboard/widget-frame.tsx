import { ActionIcon, Box, Group, Menu, Paper, SegmentedControl, Text } from "@mantine/core";
import type { DashboardWidget } from "../../api/answers.ts";
import type { MoveDirection } from "./grid-layout.ts";
import {
  RANGES,
  SIZE_PRESETS,
  type StatsRange,
  WIDGET_KINDS,
  type WidgetSize,
  widgetRange,
} from "./widget-kinds.ts";
import { WidgetBody } from "./widget-body.tsx";

/** The grid drags a widget by this class only; controls in the header carry NO_DRAG. */
export const DRAG_HANDLE = "dashboard-drag-handle";
export const NO_DRAG = "dashboard-no-drag";

export interface WidgetActions {
  canMove(direction: MoveDirection): boolean;
  move(direction: MoveDirection): void;
  resize(size: WidgetSize): void;
  setRange(range: StatsRange): void;
  remove(): void;
}

/** A widget's card: a header to drag it by, its range, its menu, and its body. */
export function WidgetFrame({
  widget,
  title,
  actions,
  draggable,
}: {
  widget: DashboardWidget;
  /** Its title among the others (see widgetTitles). */
  title: string;
  actions: WidgetActions;
  draggable: boolean;
}) {
  return (
    <Paper withBorder radius="md" h="100%" display="flex" style={{ flexDirection: "column" }}>
      <Group gap="xs" px="sm" py={6} wrap="nowrap" justify="space-between">
        <Group
          gap={6}
          wrap="nowrap"
          miw={0}
          flex={1}
          className={DRAG_HANDLE}
          style={draggable ? { cursor: "grab" } : undefined}
          data-testid="widget-handle"
        >
          {draggable ? <GripIcon /> : null}
          <Text component="h2" fw={600} size="sm" truncate="end">
            {title}
          </Text>
        </Group>
        {WIDGET_KINDS[widget.type].ranged ? (
          <SegmentedControl
            className={NO_DRAG}
            size="xs"
            aria-label={`Time range: ${title}`}
            value={widgetRange(widget)}
            onChange={(value) => actions.setRange(value as StatsRange)}
            data={RANGES.map((r) => ({ value: r.value, label: r.label }))}
          />
        ) : null}
        <WidgetMenu widget={widget} title={title} actions={actions} />
      </Group>
      <Box px="sm" pb="sm" flex={1} mih={0}>
        <WidgetBody widget={widget} />
      </Box>
    </Paper>
  );
}

function WidgetMenu({
  widget,
  title,
  actions,
}: {
  widget: DashboardWidget;
  title: string;
  actions: WidgetActions;
}) {
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon
          className={NO_DRAG}
          variant="subtle"
          color="gray"
          aria-label={`Widget options: ${title}`}
        >
          <DotsIcon />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item disabled={!actions.canMove("earlier")} onClick={() => actions.move("earlier")}>
          Move earlier
        </Menu.Item>
        <Menu.Item disabled={!actions.canMove("later")} onClick={() => actions.move("later")}>
          Move later
        </Menu.Item>
        <Menu.Divider />
        <Menu.Label>Size</Menu.Label>
        {SIZE_PRESETS.map((preset) => {
          const current = preset.size.w === widget.w && preset.size.h === widget.h;
          return (
            <Menu.Item
              key={preset.label}
              onClick={() => actions.resize(preset.size)}
              rightSection={current ? <Text size="xs">current</Text> : null}
            >
              {preset.label}
            </Menu.Item>
          );
        })}
        <Menu.Divider />
        <Menu.Item color="red" onClick={actions.remove}>
          Remove
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

function GripIcon() {
  return (
    <svg
      width="12"
      height="16"
      viewBox="0 0 12 16"
      aria-hidden="true"
      fill="currentColor"
      opacity={0.5}
    >
      {[3, 8, 13].flatMap((cy) => [
        <circle key={`l${cy}`} cx="3" cy={cy} r="1.5" />,
        <circle key={`r${cy}`} cx="9" cy={cy} r="1.5" />,
      ])}
    </svg>
  );
}

function DotsIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" fill="currentColor">
      <circle cx="3" cy="8" r="1.5" />
      <circle cx="8" cy="8" r="1.5" />
      <circle cx="13" cy="8" r="1.5" />
    </svg>
  );
}
