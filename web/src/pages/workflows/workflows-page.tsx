import { Button, Center, Group, Loader, Stack, TextInput, Title } from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { useInfiniteQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { useEffect, useState } from "react";
import type { WorkflowPage } from "../../api/answers.ts";
import { api, requireOk } from "../../api/client.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { LoadMore } from "../../components/load-more.tsx";
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

/** Name search (debounced into the URL as it is typed) and an exact tag. */
function Filters({
  search,
  onChange,
}: {
  search: WorkflowSearch;
  onChange(next: WorkflowSearch): void;
}) {
  const [name, setName] = useState(search.q ?? "");
  const [tag, setTag] = useState(search.tag ?? "");
  const apply = useDebouncedCallback((next: { name: string; tag: string }) => {
    const q = next.name.trim();
    const t = next.tag.trim();
    onChange({ ...(q ? { q } : {}), ...(t ? { tag: t } : {}) });
  }, 250);

  // A tag picked in the table, a cleared filter or a pasted URL shows in the fields; the
  // URL's trimmed copy of what is being typed does not overwrite it.
  useEffect(() => {
    setName((current) => (current.trim() === (search.q ?? "") ? current : (search.q ?? "")));
  }, [search.q]);
  useEffect(() => {
    setTag((current) => (current.trim() === (search.tag ?? "") ? current : (search.tag ?? "")));
  }, [search.tag]);

  return (
    <Group align="flex-end">
      <TextInput
        label="Search by name"
        placeholder="part of a name"
        type="search"
        value={name}
        onChange={(event) => {
          setName(event.currentTarget.value);
          apply({ name: event.currentTarget.value, tag });
        }}
      />
      <TextInput
        label="Tag"
        placeholder="exact tag"
        value={tag}
        onChange={(event) => {
          setTag(event.currentTarget.value);
          apply({ name, tag: event.currentTarget.value });
        }}
      />
    </Group>
  );
}
