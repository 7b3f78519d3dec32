import { Button, Center, Group, Loader, Stack, Title } from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import type { WorkflowPage } from "../../api/answers.ts";
import { api, requireOk } from "../../api/client.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { LoadMore } from "../../components/load-more.tsx";
import { TextFilter } from "../../components/text-filter.tsx";
import { hasFilters, type WorkflowSearch } from "./workflow-search.ts";
import { WorkflowTable } from "./workflow-table.tsx";
import { NoWorkflowMatches, NoWorkflowsYet } from "./workflows-empty.tsx";

const route = getRouteApi("/_app/workflows");
const appRoute = getRouteApi("/_app");
const PAGE_SIZE = 50;

/** Every workflow, searchable by name and filtered by tag, a page at a time. */
export function WorkflowsPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const setSearch = (next: WorkflowSearch) => navigate({ search: next, replace: true });
  const list = useInfiniteQuery({
    queryKey: ["workflows", search],
    queryFn: ({ pageParam }) =>
      requireOk<WorkflowPage>(
        api.GET("/api/v1/workflows", {
          params: { query: { ...search, limit: PAGE_SIZE, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const workflows = list.data?.pages.flatMap((page) => page.items) ?? [];
  const canCreate = appRoute.useRouteContext().user.role !== "viewer";

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Workflows
        </Title>
        {canCreate ? (
          <Button component={Link} to="/workflows/new">
            New workflow
          </Button>
        ) : null}
      </Group>
      <Filters search={search} onChange={setSearch} />
      {list.isPending ? (
        <Center p="xl">
          <Loader aria-label="Loading workflows" />
        </Center>
      ) : list.isError ? (
        <ErrorAlert error={list.error} title="The workflows could not be loaded" />
      ) : workflows.length === 0 ? (
        hasFilters(search) ? (
          <NoWorkflowMatches onClear={() => setSearch({})} />
        ) : (
          <NoWorkflowsYet canCreate={canCreate} />
        )
      ) : (
        <WorkflowTable workflows={workflows} onTag={(tag) => setSearch({ ...search, tag })} />
      )}
      <LoadMore list={list} />
    </Stack>
  );
}

/** Name search and an exact tag, each debounced into the URL as it is typed. */
function Filters({
  search,
  onChange,
}: {
  search: WorkflowSearch;
  onChange(next: WorkflowSearch): void;
}) {
  return (
    <Group align="flex-end">
      <TextFilter
        label="Search by name"
        placeholder="part of a name"
        type="search"
        value={search.q}
        onCommit={(q) => onChange({ ...search, q })}
      />
      <TextFilter
        label="Tag"
        placeholder="exact tag"
        value={search.tag}
        onCommit={(tag) => onChange({ ...search, tag })}
      />
    </Group>
  );
}
