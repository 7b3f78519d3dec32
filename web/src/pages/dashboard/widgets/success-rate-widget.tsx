import { Box, Group, RingProgress, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { formatPercent } from "../format.ts";
import { rangeText, type StatsRange } from "../widget-kinds.ts";
import { successTrend, trendSummary } from "./chart-series.ts";
import { LazySuccessSparkline } from "./lazy-charts.tsx";
import { runsByStatusQuery, summaryQuery } from "./stats-queries.ts";
import { EmptyWidget, QueryBody } from "./widget-states.tsx";

/**
 * Succeeded out of succeeded and failed runs in the range, as a figure and a ring, and its
 * trend per hour or day once two of them have ended runs.
 */
export function SuccessRateWidget({ title, range }: { title: string; range: StatsRange }) {
  const query = useQuery(summaryQuery(range));
  // Shared with the runs-by-status and throughput widgets of the same range.
  const buckets = useQuery(runsByStatusQuery(range));
  const trend = buckets.data ? successTrend(buckets.data) : undefined;
  return (
    <QueryBody query={query} title={title}>
      {(summary) =>
        summary.successRate === null ? (
          <EmptyWidget reason={`No run ended in ${rangeText(range)}.`} />
        ) : (
          <Group h="100%" wrap="nowrap" gap="md">
            <RingProgress
              size={96}
              thickness={10}
              roundCaps
              sections={[
                { value: summary.successRate * 100, color: "teal.6" },
                { value: (1 - summary.successRate) * 100, color: "red.6" },
              ]}
              aria-hidden
            />
            <Stack gap={2} miw={0} flex={1} h="100%" justify="center">
              <Text fz={28} fw={700} lh={1.1} data-testid="success-rate">
                {formatPercent(summary.successRate)}
              </Text>
              <Text size="sm" c="dimmed">
                {summary.succeeded} of {summary.succeeded + summary.failed} succeeded
              </Text>
              {trend ? (
                <Box h={32} maw={200}>
                  <LazySuccessSparkline
                    label={`Success rate per ${buckets.data?.bucket}, ${rangeText(range)}: ${trendSummary(trend)}`}
                    points={trend}
                  />
                </Box>
              ) : null}
            </Stack>
          </Group>
        )
      }
    </QueryBody>
  );
}
