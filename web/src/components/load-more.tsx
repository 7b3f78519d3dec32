import { Button, Group } from "@mantine/core";
import { ErrorAlert } from "./error-alert.tsx";

/** What a list page's infinite query tells the "Load more" button. */
export interface MorePages {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  error: unknown;
  fetchNextPage: () => unknown;
}

/** The button under a cursor-paged list, and the error when the next page failed. */
export function LoadMore({ list }: { list: MorePages }) {
  return (
    <>
      {list.hasNextPage ? (
        <Group justify="center">
          <Button
            variant="default"
            loading={list.isFetchingNextPage}
            onClick={() => list.fetchNextPage()}
          >
            Load more
          </Button>
        </Group>
      ) : null}
      {list.isFetchNextPageError ? (
        <ErrorAlert error={list.error} title="More could not be loaded" />
      ) : null}
    </>
  );
}
