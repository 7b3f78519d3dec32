import { Center, Loader, Stack, Tabs } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { lazy, type ReactNode, Suspense } from "react";
import type { WorkflowDetail } from "../../api/answers.ts";
import { ApiError } from "../../api/api-error.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { useLiveEvents } from "../../live/index.ts";
import { GraphTab } from "./graph-tab.tsx";
import { RunsTab } from "./runs-tab.tsx";
import { TriggersTab } from "./triggers-tab.tsx";
import { WorkflowHeader, WorkflowNotFound } from "./workflow-header.tsx";
import { workflowQuery, workflowRunsKey } from "./workflow-queries.ts";
import { searchForTab } from "./workflow-tab.ts";

const route = getRouteApi("/_app/workflows/$workflowId");
const appRoute = getRouteApi("/_app");

// The editor (CodeMirror) loads with its tab, not with the page; the graph's React Flow
// loads the same way, from within GraphTab.
const DefinitionTab = lazy(() =>
  import("./definition-tab.tsx").then((m) => ({ default: m.DefinitionTab })),
);
const VersionsTab = lazy(() =>
  import("./versions-tab.tsx").then((m) => ({ default: m.VersionsTab })),
);

/** One workflow: its header with the actions, and a tab for each of its parts. */
export function WorkflowPage() {
  const { workflowId } = route.useParams();
  const client = useQueryClient();
  const query = useQuery(workflowQuery(workflowId));

  if (query.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label="Loading the workflow" />
      </Center>
    );
  }
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 404) {
      return <WorkflowNotFound idOrName={workflowId} />;
    }
    return <ErrorAlert error={query.error} title="The workflow could not be loaded" />;
  }
  return (
    <Workflow
      workflow={query.data}
      onChanged={(next) => client.setQueryData(workflowQuery(workflowId).queryKey, next)}
    />
  );
}

function Workflow({
  workflow,
  onChanged,
}: {
  workflow: WorkflowDetail;
  onChanged(workflow: WorkflowDetail): void;
}) {
  const { user } = appRoute.useRouteContext();
  const canEdit = user.role === "editor" || user.role === "admin";
  const search = route.useSearch();
  const navigate = route.useNavigate();
  useRunsKeptCurrent(workflow.id);

  return (
    <Stack>
      <WorkflowHeader workflow={workflow} canEdit={canEdit} onChanged={onChanged} />
      <Tabs
        value={search.tab ?? "graph"}
        onChange={(tab) => navigate({ search: searchForTab(tab), replace: true })}
        keepMounted={false}
      >
        <Tabs.List aria-label="Workflow sections">
          <Tabs.Tab value="graph">Graph</Tabs.Tab>
          <Tabs.Tab value="definition">Definition</Tabs.Tab>
          <Tabs.Tab value="versions">Versions</Tabs.Tab>
          <Tabs.Tab value="triggers">Triggers</Tabs.Tab>
          <Tabs.Tab value="runs">Runs</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="graph" pt="md">
          <GraphTab workflow={workflow} />
        </Tabs.Panel>
        <Tabs.Panel value="definition" pt="md">
          <TabLoading>
            <DefinitionTab workflow={workflow} canEdit={canEdit} />
          </TabLoading>
        </Tabs.Panel>
        <Tabs.Panel value="versions" pt="md">
          <TabLoading>
            <VersionsTab workflow={workflow} canEdit={canEdit} />
          </TabLoading>
        </Tabs.Panel>
        <Tabs.Panel value="triggers" pt="md">
          <TriggersTab workflow={workflow} canEdit={canEdit} />
        </Tabs.Panel>
        <Tabs.Panel value="runs" pt="md">
          <RunsTab workflow={workflow} canEdit={canEdit} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

/**
 * Reads the workflow's run lists again whenever one of its runs starts or ends (and after the
 * live feed reconnects), so that the graph and the runs tab follow new runs without a reload.
 */
function useRunsKeptCurrent(workflowId: string): void {
  const client = useQueryClient();
  const refresh = () => void client.invalidateQueries({ queryKey: workflowRunsKey(workflowId) });
  useLiveEvents(
    { workflowId },
    (event) => {
      if (event.type.startsWith("run:")) refresh();
    },
    { onSubscribed: refresh },
  );
}

function TabLoading({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <Center p="xl">
          <Loader aria-label="Loading the tab" />
        </Center>
      }
    >
      {children}
    </Suspense>
  );
}
