import {
  Anchor,
  Badge,
  Center,
  Group,
  Loader,
  Paper,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { lazy, Suspense, useMemo } from "react";
import { ApiError } from "../../api/api-error.ts";
import type { RunDetail } from "../../api/answers.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { useLiveRun } from "../../live/index.ts";
import { RunActions } from "./run-actions.tsx";
import { RunFacts } from "./run-facts.tsx";
import { workflowVersionQuery } from "./run-queries.ts";
import { runInput, shownError } from "./run-trigger.ts";
import { JsonBlock } from "./json-block.tsx";
import { StepTimeline } from "./step-timeline.tsx";
import { useNow } from "./use-now.ts";

const route = getRouteApi("/_app/runs/$runId");

// React Flow is large: the graph loads after the timeline, in its own chunk.
const StepGraph = lazy(() =>
  import("../../components/step-graph/step-graph.tsx").then((m) => ({ default: m.StepGraph })),
);

/** One run: its facts, steps on a timeline, input and output, all kept current live. */
export function RunPage() {
  const { runId } = route.useParams();
  const { run, error, isLoading, live } = useLiveRun(runId);

  if (isLoading)
    return (
      <Center p="xl">
        <Loader aria-label="Loading the run" />
      </Center>
    );
  if (!run) return <RunMissing runId={runId} error={error} />;
  return <RunView run={run} live={live} error={error} />;
}

function RunMissing({ runId, error }: { runId: string; error: unknown }) {
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <Stack maw={640}>
      <Title order={1} size="h2">
        Run
      </Title>
      {notFound ? (
        <Paper withBorder p="lg" radius="md">
          <Stack gap="sm" align="flex-start">
            <Text>
              There is no run{" "}
              <Text span ff="monospace">
                {runId}
              </Text>
              . It may have been removed by retention, or the address is mistyped.
            </Text>
            <Anchor renderRoot={(props) => <Link to="/runs" {...props} />}>See all runs</Anchor>
          </Stack>
        </Paper>
      ) : (
        <ErrorAlert error={error} title="The run could not be loaded" />
      )}
    </Stack>
  );
}

function RunView({ run, live, error }: { run: RunDetail; live: boolean; error: unknown }) {
  const open = run.endedAt === null;
  const now = useNow(open);
  const version = useQuery(workflowVersionQuery(run.workflowId, run.version));
  const steps = version.data?.definition.steps;
  const definitions = useMemo(() => steps && new Map(steps.map((s) => [s.id, s])), [steps]);
  const statuses = useMemo(
    () => Object.fromEntries(run.steps.map((s) => [s.id, s.status])),
    [run.steps],
  );
  const runError = shownError(run.error);

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Group gap="sm" align="center">
          <Title order={1} size="h2">
            Run{" "}
            <Text span inherit ff="monospace" title={run.id}>
              {run.id.slice(-8)}
            </Text>
          </Title>
          <LiveBadge live={live} />
        </Group>
        <RunActions run={run} />
      </Group>
      {error ? <ErrorAlert error={error} title="The run could not be read again" /> : null}
      <Paper withBorder p="md" radius="md">
        <RunFacts run={run} now={now} />
      </Paper>
      {runError ? (
        <ErrorAlert
          error={new Error(runError.message)}
          title={`The run failed: ${runError.kind}`}
        />
      ) : null}
      <Stack gap="xs" component="section" aria-label="Step timeline">
        <Title order={2} size="h4">
          Steps
        </Title>
        <StepTimeline run={run} now={now} definitions={definitions} />
      </Stack>
      {version.isError ? (
        <ErrorAlert error={version.error} title="The run's workflow version could not be loaded" />
      ) : null}
      {steps && steps.length > 1 ? (
        <Stack gap="xs" component="section" aria-label="Step graph">
          <Title order={2} size="h4">
            Graph
          </Title>
          <Suspense fallback={<Loader size="sm" aria-label="Loading the graph" />}>
            <StepGraph steps={steps} statuses={statuses} />
          </Suspense>
        </Stack>
      ) : null}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md" radius="md">
          <JsonBlock title="Input" value={runInput(run)} />
        </Paper>
        <Paper withBorder p="md" radius="md">
          <JsonBlock title="Output" value={run.output} />
        </Paper>
      </SimpleGrid>
    </Stack>
  );
}

/** Whether events arrive as they happen, in words and colour. */
function LiveBadge({ live }: { live: boolean }) {
  return (
    <Badge
      variant="dot"
      color={live ? "green" : "gray"}
      role="status"
      aria-live="polite"
      data-testid="live-indicator"
    >
      {live ? "Live" : "Connecting…"}
    </Badge>
  );
}
