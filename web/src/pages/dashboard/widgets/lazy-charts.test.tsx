import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderInTheme } from "../../../render.tsx";
import { STATUS_SERIES } from "./chart-series.ts";
import { LazyColumnChart } from "./lazy-charts.tsx";

const rows = [
  { label: "10:00", succeeded: 3, failed: 1, cancelled: 0, running: 0, queued: 0 },
  { label: "11:00", succeeded: 0, failed: 0, cancelled: 0, running: 2, queued: 0 },
];

describe("LazyColumnChart", () => {
  it("is one labelled picture, with its numbers in a hidden table, the chart loaded later", async () => {
    renderInTheme(
      <LazyColumnChart
        label="Runs by status: 3 succeeded, 1 failed, 2 running"
        rows={rows}
        series={STATUS_SERIES}
        withLegend
      />,
    );
    const picture = screen.getByRole("img", {
      name: "Runs by status: 3 succeeded, 1 failed, 2 running",
    });
    expect(within(picture).getByTestId("chart-loading")).toBeTruthy();

    const table = screen.getByRole("table", { name: /^Runs by status/ });
    const [head, ...body] = within(table).getAllByRole("row");
    expect(
      within(head!)
        .getAllByRole("columnheader")
        .map((c) => c.textContent),
    ).toEqual(["Time", ...STATUS_SERIES.map((s) => s.name)]);
    expect(body.map((row) => row.textContent)).toEqual(["10:0031000", "11:0000020"]);

    await waitFor(() => expect(within(picture).getByTestId("column-chart")).toBeTruthy());
    expect(within(picture).queryByTestId("chart-loading")).toBeNull();
  });
});
