import { Button, Center, Loader, Paper, Stack, Text } from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import type { AuditPage as AuditAnswer } from "../../api/answers.ts";
import { api, requireOk } from "../../api/client.ts";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { LoadMore } from "../../components/load-more.tsx";
import { AuditFilters } from "./audit-filters.tsx";
import { type AuditSearch, auditFilterParams, hasAuditFilters } from "./audit-search.ts";
import { AuditTable } from "./audit-table.tsx";

const route = getRouteApi("/_app/settings/audit");
const PAGE_SIZE = 50;

/** Who did what to which thing, newest first, filtered by action, actor and time. */
export function AuditPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const setSearch = (next: AuditSearch) => navigate({ search: next, replace: true });
  const list = useInfiniteQuery({
    queryKey: ["audit", search],
    queryFn: ({ pageParam }) =>
      requireOk<AuditAnswer>(
        api.GET("/api/v1/audit", {
          params: {
            query: { ...auditFilterParams(search), limit: PAGE_SIZE, cursor: pageParam },
          },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const entries = list.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack>
      <AuditFilters search={search} onChange={setSearch} />
      {list.isPending ? (
        <Center p="xl">
          <Loader aria-label="Loading the audit log" />
        </Center>
      ) : list.isError ? (
        <ErrorAlert error={list.error} title="The audit log could not be loaded" />
      ) : entries.length === 0 ? (
        <Paper withBorder p="xl" radius="md">
          {hasAuditFilters(search) ? (
            <Stack gap="sm" align="flex-start">
              <Text>No entries match these filters.</Text>
              <Button variant="default" onClick={() => setSearch({})}>
                Clear filters
              </Button>
            </Stack>
          ) : (
            <Text>
              Nothing recorded yet: sign-ins and every change to users, secrets, tokens, workflows
              and runs appear here.
            </Text>
          )}
        </Paper>
      ) : (
        <AuditTable entries={entries} />
      )}
      <LoadMore list={list} />
    </Stack>
  );
}
