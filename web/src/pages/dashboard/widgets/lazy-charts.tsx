import { Box, Skeleton, Table, VisuallyHidden } from "@mantine/core";
import { lazy, type ReactNode, Suspense } from "react";
import { type ChartRow, type ChartSeriesSpec, seriesWithCounts } from "./chart-series.ts";

/**
 * The chart components, loaded with the chart library when a widget first draws one. Until
 * then a skeleton of the same size holds the place.
 */
const ColumnChart = lazy(() => import("./charts.tsx").then((m) => ({ default: m.ColumnChart })));
const SuccessSparkline = lazy(() =>
  import("./charts.tsx").then((m) => ({ default: m.SuccessSparkline })),
);

/**
 * A chart as a screen reader meets it: one picture with a summary for a label, and after it
 * a table of the same numbers, hidden from sight.
 */
function ChartFigure({
  label,
  table,
  children,
}: {
  label: string;
  table?: ReactNode;
  children: ReactNode;
}) {
  return (
    <>
      <Box role="img" aria-label={label} h="100%" mih={0}>
        <Suspense fallback={<Skeleton h="100%" radius="sm" data-testid="chart-loading" />}>
          {children}
        </Suspense>
      </Box>
      {table ? <VisuallyHidden>{table}</VisuallyHidden> : null}
    </>
  );
}

/** Counts per bucket as columns, a series stacked on another, with a table of the same. */
export function LazyColumnChart({
  label,
  rows,
  series,
  withLegend,
  withYAxis,
}: {
  label: string;
  rows: ChartRow[];
  series: ChartSeriesSpec[];
  withLegend?: boolean;
  withYAxis?: boolean;
}) {
  return (
    <ChartFigure label={label} table={<ChartTable caption={label} rows={rows} series={series} />}>
      <ColumnChart
        rows={rows}
        series={seriesWithCounts(series, rows)}
        withLegend={withLegend}
        withYAxis={withYAxis}
      />
    </ChartFigure>
  );
}

/** The success rate's trend; its figures are in the widget's text beside it. */
export function LazySuccessSparkline({
  label,
  points,
}: {
  label: string;
  points: (number | null)[];
}) {
  return (
    <ChartFigure label={label}>
      <SuccessSparkline points={points} />
    </ChartFigure>
  );
}

function ChartTable({
  caption,
  rows,
  series,
}: {
  caption: string;
  rows: ChartRow[];
  series: ChartSeriesSpec[];
}) {
  return (
    <Table>
      <Table.Caption>{caption}</Table.Caption>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">Time</Table.Th>
          {series.map((s) => (
            <Table.Th key={s.name} scope="col">
              {s.name}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((row, i) => (
          <Table.Tr key={row.label + String(i)}>
            <Table.Th scope="row">{row.label}</Table.Th>
            {series.map((s) => (
              <Table.Td key={s.name}>{row[s.name] ?? 0}</Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
