import "react-grid-layout/css/styles.css";
import "react-resizable/css/styles.css";
import "./dashboard.css";
import { Button, Center, Group, Loader, Menu, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { DashboardAnswer, DashboardWidget } from "../../api/answers.ts";
import { api, requireOk } from "../../api/client.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { DashboardGrid } from "./dashboard-grid.tsx";
import { addWidget, newWidgetId } from "./grid-layout.ts";
import { LAYOUT_QUERY_KEY, type SaveState, useLayoutSaver } from "./use-layout-saver.ts";
import { KIND_ORDER, WIDGET_KINDS, type WidgetKind } from "./widget-kinds.ts";

const layoutQuery = {
  queryKey: LAYOUT_QUERY_KEY,
  queryFn: () => requireOk<DashboardAnswer>(api.GET("/api/v1/me/dashboard")),
  // The page holds the layout while open; each visit reads it afresh, as another browser may
  // have changed it meanwhile.
  refetchOnWindowFocus: false,
  gcTime: 0,
};

/** The signed-in user's own dashboard, as they arranged it on any browser. */
export function DashboardPage() {
  const layout = useQuery(layoutQuery);
  // A reset starts the board over from the server's answer.
  const [generation, setGeneration] = useState(0);

  if (layout.isPending)
    return (
      <Center p="xl">
        <Loader aria-label="Loading the dashboard" />
      </Center>
    );
  if (layout.isError)
    return (
      <Stack maw={560}>
        <Title order={1} size="h2">
          Dashboard
        </Title>
        <ErrorAlert error={layout.error} title="The dashboard could not be loaded" />
        <Button variant="default" onClick={() => layout.refetch()} w="fit-content">
          Try again
        </Button>
      </Stack>
    );
  return (
    <Board key={generation} initial={layout.data} onReset={() => setGeneration((n) => n + 1)} />
  );
}

function Board({ initial, onReset }: { initial: DashboardAnswer; onReset(): void }) {
  const client = useQueryClient();
  const [widgets, setWidgets] = useState<DashboardWidget[]>(initial.widgets);
  const [isDefault, setIsDefault] = useState(initial.isDefault);
  const saver = useLayoutSaver();
  const reset = useMutation({
    mutationFn: async () => {
      await saver.discard();
      await requireOk(api.DELETE("/api/v1/me/dashboard"));
      return requireOk<DashboardAnswer>(api.GET("/api/v1/me/dashboard"));
    },
    onSuccess: (answer) => {
      client.setQueryData(LAYOUT_QUERY_KEY, answer);
      onReset();
    },
  });

  const change = (next: DashboardWidget[]) => {
    setWidgets(next);
    setIsDefault(false);
    saver.save(next);
  };
  const add = (type: WidgetKind) => change(addWidget(widgets, type, newWidgetId(widgets, type)));

  return (
    <Stack>
      <Group justify="space-between" align="center">
        <Title order={1} size="h2">
          Dashboard
        </Title>
        <Group gap="sm">
          <SaveStatus state={saver.state} />
          <AddWidgetMenu onAdd={add} />
          <Button
            variant="default"
            disabled={isDefault && saver.state.status === "idle"}
            loading={reset.isPending}
            onClick={() => reset.mutate()}
          >
            Reset to default
          </Button>
        </Group>
      </Group>
      {saver.state.status === "failed" ? (
        <Stack gap="xs" align="flex-start">
          <ErrorAlert error={saver.state.error} title="The layout could not be saved" />
          <Button variant="default" size="xs" onClick={() => saver.save(widgets)}>
            Save again
          </Button>
        </Stack>
      ) : null}
      {reset.isError ? (
        <ErrorAlert error={reset.error} title="The dashboard could not be reset" />
      ) : null}
      {widgets.length === 0 ? (
        <Text c="dimmed">
          No widgets on your dashboard. Add one with "Add widget", or reset to the default set.
        </Text>
      ) : (
        <DashboardGrid widgets={widgets} onChange={change} />
      )}
    </Stack>
  );
}

function AddWidgetMenu({ onAdd }: { onAdd(type: WidgetKind): void }) {
  return (
    <Menu position="bottom-end">
      <Menu.Target>
        <Button>Add widget</Button>
      </Menu.Target>
      <Menu.Dropdown>
        {KIND_ORDER.map((type) => (
          <Menu.Item key={type} onClick={() => onAdd(type)}>
            {WIDGET_KINDS[type].title}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

function SaveStatus({ state }: { state: SaveState }) {
  const text =
    state.status === "saving"
      ? "Saving…"
      : state.status === "saved"
        ? "Saved"
        : state.status === "failed"
          ? "Not saved"
          : "";
  return (
    <Text
      size="sm"
      c={state.status === "failed" ? "red" : "dimmed"}
      role="status"
      data-testid="save-status"
    >
      {text}
    </Text>
  );
}
