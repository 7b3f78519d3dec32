import { Anchor, Center, Group, Loader, Paper, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import type { WorkflowDetail } from "../../api/answers.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { RunsTable } from "../../components/runs-table.tsx";
import { workflowRunsQuery } from "./workflow-queries.ts";

/** How many of the newest runs the tab lists; the Runs page has the rest. */
const RECENT_RUNS = 20;

/** The workflow's newest runs, each linked to its page, and the way to all of them. */
export function RunsTab({ workflow, canEdit }: { workflow: WorkflowDetail; canEdit: boolean }) {
  const runs = useQuery(workflowRunsQuery(workflow.id, { limit: RECENT_RUNS }));
  const all = (
    <Anchor
      renderRoot={(props) => <Link to="/runs" search={{ workflow: workflow.name }} {...props} />}
    >
      All runs of this workflow
    </Anchor>
  );

  if (runs.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label="Loading runs" />
      </Center>
    );
  }
  if (runs.isError) return <ErrorAlert error={runs.error} title="The runs could not be loaded" />;
  if (runs.data.items.length === 0) {
    return (
      <Paper withBorder p="md" radius="md">
        <Text>
          No runs yet.{" "}
          {canEdit
            ? "Start one with the Run button, or through one of its triggers."
            : "Runs appear here once a trigger or an editor starts one."}
        </Text>
      </Paper>
    );
  }
  return (
    <Stack>
      <RunsTable runs={runs.data.items} label="Recent runs" showWorkflow={false} />
      <Group>{all}</Group>
    </Stack>
  );
}
