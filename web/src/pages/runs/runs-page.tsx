import {
  Button,
  Center,
  Group,
  Loader,
  MultiSelect,
  Paper,
  Select,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import type { RunPage } from "../../api/answers.ts";
import { api, requireOk } from "../../api/client.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { LoadMore } from "../../components/load-more.tsx";
import { TextFilter, TimeRangeFilter } from "../../components/text-filter.tsx";
import { RunsTable } from "../../components/runs-table.tsx";
import {
  hasRunFilters,
  RUN_STATUSES,
  type RunSearch,
  runExportHref,
  runFilterParams,
  statusesOf,
  TRIGGER_TYPES,
  type TriggerType,
} from "./run-search.ts";

const route = getRouteApi("/_app/runs");
const PAGE_SIZE = 50;

/** Every run, newest first, filtered by status, workflow, trigger and time, a page at a time. */
export function RunsPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const setSearch = (next: RunSearch) => navigate({ search: next, replace: true });
  const list = useInfiniteQuery({
    queryKey: ["runs", search],
    queryFn: ({ pageParam }) =>
      requireOk<RunPage>(
        api.GET("/api/v1/runs", {
          params: { query: { ...runFilterParams(search), limit: PAGE_SIZE, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const runs = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Runs
        </Title>
        <Group gap="xs">
          <Button component="a" variant="default" href={runExportHref(search, "csv")} download>
            Export CSV
          </Button>
          <Button component="a" variant="default" href={runExportHref(search, "json")} download>
            Export JSON
          </Button>
        </Group>
      </Group>
      <Filters search={search} onChange={setSearch} />
      {list.isPending ? (
        <Center p="xl">
          <Loader aria-label="Loading runs" />
        </Center>
      ) : list.isError ? (
        <ErrorAlert error={list.error} title="The runs could not be loaded" />
      ) : runs.length === 0 ? (
        <Paper withBorder p="xl" radius="md">
          {hasRunFilters(search) ? (
            <Stack gap="sm" align="flex-start">
              <Text>No runs match these filters.</Text>
              <Button variant="default" onClick={() => setSearch({})}>
                Clear filters
              </Button>
            </Stack>
          ) : (
            <Text>No runs yet: start one from a workflow.</Text>
          )}
        </Paper>
      ) : (
        <RunsTable runs={runs} label="Runs" />
      )}
      <LoadMore list={list} />
    </Stack>
  );
}

/** Status, trigger and times apply at once; the text filters are debounced into the URL. */
function Filters({ search, onChange }: { search: RunSearch; onChange(next: RunSearch): void }) {
  const statuses = statusesOf(search.status);
  return (
    <Group align="flex-end">
      <MultiSelect
        label="Status"
        placeholder={statuses.length === 0 ? "any status" : undefined}
        data={[...RUN_STATUSES]}
        value={statuses}
        clearable
        onChange={(values) => {
          const chosen = statusesOf(values);
          onChange({ ...search, status: chosen.length === 0 ? undefined : chosen.join(",") });
        }}
        miw={220}
      />
      <TextFilter
        label="Workflow"
        placeholder="id or name"
        value={search.workflow}
        onCommit={(workflow) => onChange({ ...search, workflow })}
      />
      <Select
        label="Trigger"
        placeholder="any trigger"
        data={[...TRIGGER_TYPES]}
        value={search.trigger ?? null}
        clearable
        onChange={(value) =>
          onChange({ ...search, trigger: (value as TriggerType | null) ?? undefined })
        }
      />
      <TextFilter
        label="Tag"
        placeholder="any tag"
        value={search.tag}
        onCommit={(tag) => onChange({ ...search, tag })}
      />
      <TextFilter
        label="Error contains"
        placeholder="text in the error"
        value={search.error}
        onCommit={(error) => onChange({ ...search, error })}
      />
      <TimeRangeFilter
        from={search.from}
        to={search.to}
        onChange={(range) => onChange({ ...search, ...range })}
      />
    </Group>
  );
}
