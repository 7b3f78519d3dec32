import { Anchor, SimpleGrid, Stack, Text } from "@mantine/core";
import { Link } from "@tanstack/react-router";
import type { ReactNode } from "react";
import type { RunDetail } from "../../api/answers.ts";
import { StatusBadge } from "../../components/status-badge.tsx";
import { startedBy } from "./run-trigger.ts";
import { formatDuration } from "../../format/duration.ts";
import { runDurationMs } from "./timeline.ts";

/** The run at a glance: workflow, status, trigger, who started it, version, times. */
export function RunFacts({ run, now }: { run: RunDetail; now: number }) {
  const open = run.endedAt === null;
  return (
    <SimpleGrid cols={{ base: 2, sm: 3, lg: 4 }} spacing="md" verticalSpacing="sm">
      <Fact label="Workflow">
        <Anchor
          renderRoot={(props) => (
            <Link
              to="/workflows/$workflowId"
              params={{ workflowId: run.workflowName }}
              {...props}
            />
          )}
        >
          {run.workflowName}
        </Anchor>
      </Fact>
      <Fact label="Status">
        <StatusBadge status={run.status} size="lg" data-testid="run-status" />
      </Fact>
      <Fact label="Trigger">{run.triggerType}</Fact>
      <Fact label="Started by">{startedBy(run)}</Fact>
      <Fact label="Version">v{run.version}</Fact>
      <Fact label="Created">
        <Time iso={run.createdAt} />
      </Fact>
      <Fact label="Started">
        <Time iso={run.startedAt} fallback="not yet" />
      </Fact>
      <Fact label="Ended">
        <Time iso={run.endedAt} fallback={open ? "still open" : "—"} />
      </Fact>
      <Fact label="Duration">
        <span data-testid="run-duration">
          {formatDuration(runDurationMs(run, now))}
          {open ? " so far" : ""}
        </span>
      </Fact>
    </SimpleGrid>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={2} miw={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div" style={{ overflowWrap: "anywhere" }}>
        {children}
      </Text>
    </Stack>
  );
}

function Time({ iso, fallback = "—" }: { iso: string | null; fallback?: string }) {
  if (!iso) return <>{fallback}</>;
  return <time dateTime={iso}>{new Date(iso).toLocaleString()}</time>;
}
