import { Anchor, Badge, Center, Group, Loader, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { lazy, Suspense, useMemo } from "react";
import type { RunDetail, RunSummary, WorkflowDetail } from "../../api/answers.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { useLiveRun } from "../../live/index.ts";
import { instantText } from "./time-text.ts";
import { OPEN_RUN_STATUSES, workflowRunsQuery } from "./workflow-queries.ts";

// React Flow is most of the graph's weight: it loads when the graph first shows.
const StepGraph = lazy(() =>
  import("../../components/step-graph/step-graph.tsx").then((m) => ({ default: m.StepGraph })),
);

/**
 * The workflow's steps as a graph, coloured by its newest open run while one is (live, as its
 * steps change), or else by its last run. A run that starts while the page is open takes over
 * (the page reads the run lists again on each run event).
 */
export function GraphTab({ workflow }: { workflow: WorkflowDetail }) {
  const shown = useShownRun(workflow.id);
  const { run, live, error } = useLiveRun(shown.run?.id);
  const statuses = useMemo(() => (run ? statusesOf(run) : undefined), [run]);

  return (
    <Stack>
      {shown.error ? <ErrorAlert error={shown.error} title="Runs could not be loaded" /> : null}
      {error ? <ErrorAlert error={error} title="The run could not be loaded" /> : null}
      <RunNote summary={shown.run} run={run} open={shown.open} live={live} workflow={workflow} />
      <Suspense
        fallback={
          <Center p="xl">
            <Loader aria-label="Loading the graph" />
          </Center>
        }
      >
        <StepGraph steps={workflow.definition.steps} statuses={statuses} />
      </Suspense>
    </Stack>
  );
}

/** The run to colour the graph by: the newest open one, else the newest of all. */
function useShownRun(workflowId: string): {
  run: RunSummary | undefined;
  open: boolean;
  error: unknown;
} {
  const open = useQuery(workflowRunsQuery(workflowId, { status: OPEN_RUN_STATUSES, limit: 1 }));
  // Read together, so that the graph keeps its colours when the open run ends.
  const latest = useQuery(workflowRunsQuery(workflowId, { limit: 1 }));

  const openRun = open.data?.items[0];
  return {
    run: openRun ?? (open.data ? latest.data?.items[0] : undefined),
    open: openRun !== undefined,
    error: open.error ?? latest.error,
  };
}

function statusesOf(run: RunDetail): Record<string, string> {
  return Object.fromEntries(run.steps.map((step) => [step.id, step.status]));
}

/** Which run colours the graph, linked to it; or what colours it once a run exists. */
function RunNote({
  summary,
  run,
  open,
  live,
  workflow,
}: {
  summary: RunSummary | undefined;
  run: RunDetail | undefined;
  open: boolean;
  live: boolean;
  workflow: WorkflowDetail;
}) {
  if (!summary) {
    return (
      <Text size="sm" c="dimmed">
        No runs yet. While a run is open, each step shows its status here as it changes.
      </Text>
    );
  }
  const status = run?.status ?? summary.status;
  const at = summary.endedAt ?? summary.startedAt ?? summary.createdAt;
  const link = (text: string) => (
    <Anchor
      size="sm"
      renderRoot={(props) => <Link to="/runs/$runId" params={{ runId: summary.id }} {...props} />}
    >
      {text}
    </Anchor>
  );

  return (
    <Group gap="xs" data-testid="graph-run-note">
      {open ? (
        <>
          {link(`Run ${summary.id.slice(-8)}`)}
          <Text size="sm">is {status}</Text>
          <Badge size="sm" variant="dot" color={live ? "green" : "gray"}>
            {live ? "live" : "reconnecting"}
          </Badge>
        </>
      ) : (
        link(`last run: ${status}${at ? `, ${instantText(at)}` : ""}`)
      )}
      {summary.version === workflow.version ? null : (
        <Text size="xs" c="dimmed">
          (a run of version {summary.version}; the graph shows version {workflow.version})
        </Text>
      )}
    </Group>
  );
}
