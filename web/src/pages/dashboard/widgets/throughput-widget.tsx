import { Box, Group, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { rangeText, type StatsRange } from "../widget-kinds.ts";
import { THROUGHPUT_SERIES, throughputRows, throughputSummary } from "./chart-series.ts";
import { LazyColumnChart } from "./lazy-charts.tsx";
import { runsByStatusQuery } from "./stats-queries.ts";
import { EmptyWidget, QueryBody } from "./widget-states.tsx";

/** How many runs each hour or day brought, and the mean over the range. */
export function ThroughputWidget({ title, range }: { title: string; range: StatsRange }) {
  const query = useQuery(runsByStatusQuery(range));
  return (
    <QueryBody query={query} title={title}>
      {(answer) => {
        const total = answer.buckets.reduce((sum, b) => sum + b.total, 0);
        if (total === 0) return <EmptyWidget reason={`No runs in ${rangeText(range)}.`} />;
        const mean = total / Math.max(1, answer.buckets.length);
        return (
          <Stack gap={4} h="100%">
            <Group gap="xs" align="baseline" wrap="nowrap">
              <Text fz={24} fw={700} lh={1} data-testid="throughput-total">
                {total}
              </Text>
              <Text size="sm" c="dimmed" truncate="end">
                runs, {mean < 10 ? mean.toFixed(1) : Math.round(mean)} per {answer.bucket} on
                average
              </Text>
            </Group>
            <Box flex={1} mih={0}>
              <LazyColumnChart
                label={throughputSummary(title, rangeText(range), answer)}
                rows={throughputRows(answer)}
                series={THROUGHPUT_SERIES}
                withYAxis={false}
              />
            </Box>
          </Stack>
        );
      }}
    </QueryBody>
  );
}
