import { Anchor, Center, Group, Loader, Stack, Text } from "@mantine/core";
import { type UseQueryResult, useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { ErrorAlert } from "../../../components/error-alert.tsx";
import { anyRunsQuery } from "./stats-queries.ts";

const appRoute = getRouteApi("/_app");

/** A widget's body while its answer loads, when it failed, and once it is there. */
export function QueryBody<T>({
  query,
  title,
  children,
}: {
  query: UseQueryResult<T>;
  title: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending)
    return (
      <Center h="100%">
        <Loader size="sm" aria-label={`Loading ${title}`} />
      </Center>
    );
  if (query.isError)
    return <ErrorAlert error={query.error} title={`${title} could not be loaded`} />;
  return <>{children(query.data)}</>;
}

/**
 * What a widget with nothing to show says: on a Weft that has never run anything, what to do
 * first; otherwise the widget's own reason (no runs in this range, no schedules).
 */
export function EmptyWidget({ reason }: { reason: ReactNode }) {
  const anyRuns = useQuery(anyRunsQuery);
  if (anyRuns.data === false) return <NoRunsYet />;
  return (
    <Center h="100%" p="sm">
      <Text c="dimmed" size="sm" ta="center">
        {reason}
      </Text>
    </Center>
  );
}

/** A new Weft: no runs anywhere, so the way to a first workflow. */
export function NoRunsYet() {
  const { user } = appRoute.useRouteContext();
  const canCreate = user.role !== "viewer";
  return (
    <Center h="100%" p="sm">
      <Stack gap={4} align="center">
        <Text fw={500}>No runs yet</Text>
        <Text c="dimmed" size="sm" ta="center">
          {canCreate
            ? "Create a workflow and run it: its runs show up here."
            : "Runs show up here once an editor runs a workflow."}
        </Text>
        <Group gap="sm">
          {canCreate ? (
            <Anchor size="sm" renderRoot={(props) => <Link to="/workflows/new" {...props} />}>
              Create a workflow
            </Anchor>
          ) : null}
          <Anchor size="sm" renderRoot={(props) => <Link to="/workflows" {...props} />}>
            See the workflows
          </Anchor>
        </Group>
      </Stack>
    </Center>
  );
}
