import { useQuery } from "@tanstack/react-query";
import { rangeText, type StatsRange } from "../widget-kinds.ts";
import { STATUS_SERIES, statusRows, statusSummary } from "./chart-series.ts";
import { LazyColumnChart } from "./lazy-charts.tsx";
import { runsByStatusQuery } from "./stats-queries.ts";
import { EmptyWidget, QueryBody } from "./widget-states.tsx";

/** Runs created per hour or day, stacked by their status. */
export function RunsByStatusWidget({ title, range }: { title: string; range: StatsRange }) {
  const query = useQuery(runsByStatusQuery(range));
  return (
    <QueryBody query={query} title={title}>
      {(answer) =>
        answer.buckets.every((b) => b.total === 0) ? (
          <EmptyWidget reason={`No runs in ${rangeText(range)}.`} />
        ) : (
          <LazyColumnChart
            label={statusSummary(title, rangeText(range), answer)}
            rows={statusRows(answer)}
            series={STATUS_SERIES}
            withLegend
          />
        )
      }
    </QueryBody>
  );
}
