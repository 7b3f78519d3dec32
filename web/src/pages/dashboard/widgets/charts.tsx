import "@mantine/charts/styles.css";
import { BarChart, Sparkline } from "@mantine/charts";
import type { ChartRow, ChartSeriesSpec } from "./chart-series.ts";

/**
 * The dashboard's charts, drawn by @mantine/charts on recharts. Only lazy-charts.tsx imports
 * this module, with `import()`: the chart library loads after the page has shown, behind a
 * skeleton, and stays out of the dashboard's route chunk.
 *
 * Each chart sits inside an element with role="img" and a summary, next to a visually hidden
 * table of its numbers, so recharts' own keyboard layer is turned off: nothing inside a
 * picture should take focus.
 */

/** Counts per bucket, the series stacked when there are several. */
export function ColumnChart({
  rows,
  series,
  withLegend = false,
  withYAxis = true,
}: {
  rows: ChartRow[];
  series: ChartSeriesSpec[];
  withLegend?: boolean;
  withYAxis?: boolean;
}) {
  return (
    <BarChart
      h="100%"
      data={rows}
      dataKey="label"
      series={series}
      type="stacked"
      withLegend={withLegend}
      legendProps={{ verticalAlign: "bottom", itemSorter: null }}
      withYAxis={withYAxis}
      yAxisProps={{ allowDecimals: false, width: 28 }}
      tickLine="none"
      gridAxis="x"
      accessibilityLayer={false}
      barProps={{ isAnimationActive: false }}
      tooltipAnimationDuration={100}
      data-testid="column-chart"
    />
  );
}

/** A small line of the success rate per bucket, with no axes. */
export function SuccessSparkline({ points }: { points: (number | null)[] }) {
  return (
    <Sparkline
      h="100%"
      w="100%"
      data={points}
      color="teal.6"
      curveType="linear"
      fillOpacity={0.3}
      strokeWidth={2}
      connectNulls
      areaProps={{ isAnimationActive: false }}
      data-testid="success-sparkline"
    />
  );
}
