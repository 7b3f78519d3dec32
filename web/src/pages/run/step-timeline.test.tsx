import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { RunDetail, StepRunDetail } from "../../api/answers.ts";
import { renderInTheme } from "../../render.tsx";
import { StepTimeline } from "./step-timeline.tsx";

const T0 = Date.parse("2026-12-04T10:00:00.000Z");
const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

const steps = [
  {
    id: "fetch",
    type: "http",
    status: "succeeded",
    output: { status: 200 },
    error: null,
    wakeAt: null,
    startedAt: at(0),
    endedAt: at(2000),
    attempts: [
      {
        number: 1,
        status: "failed",
        input: { url: "https://example.test/v1", method: "GET" },
        error: { kind: "http-status", message: "503 from the API" },
        createdAt: at(0),
        availableAt: at(0),
        startedAt: at(0),
        endedAt: at(500),
        durationMs: 500,
      },
      {
        number: 2,
        status: "succeeded",
        input: { url: "https://example.test/v2", method: "GET" },
        error: null,
        createdAt: at(500),
        availableAt: at(1000),
        startedAt: at(1000),
        endedAt: at(2000),
        durationMs: 1000,
      },
    ],
  },
  {
    id: "notify",
    type: "log",
    status: "skipped",
    output: null,
    error: null,
    wakeAt: null,
    startedAt: null,
    endedAt: null,
    attempts: [],
  },
  {
    id: "report",
    type: "log",
    status: "running",
    output: null,
    error: null,
    wakeAt: null,
    startedAt: at(2000),
    endedAt: null,
    attempts: [],
  },
] as unknown as StepRunDetail[];

const run = {
  id: "run_1",
  status: "running",
  createdAt: at(0),
  startedAt: at(0),
  endedAt: null,
  steps,
} as unknown as RunDetail;

const definitions = new Map([
  ["fetch", { id: "fetch", type: "http", needs: [], with: { url: "https://example.test" } }],
]) as unknown as ReadonlyMap<string, never>;

describe("StepTimeline", () => {
  it("lists steps in start order with their status in words, skipped ones last", () => {
    renderInTheme(<StepTimeline run={run} now={T0 + 4000} definitions={definitions} />);
    const controls = screen.getAllByRole("button", { name: /^Step / });
    expect(controls.map((c) => c.getAttribute("aria-label"))).toEqual([
      "Step fetch: succeeded",
      "Step report: running",
      "Step notify: skipped",
    ]);
    expect(screen.getByText(/^skipped: its condition was false/)).toBeTruthy();
  });

  it("draws each bar from its start for its duration, and counts an open step up to now", () => {
    renderInTheme(<StepTimeline run={run} now={T0 + 4000} definitions={definitions} />);
    const bars = screen.getAllByTestId("step-bar");
    expect(bars.map((bar) => [bar.style.left, bar.style.width])).toEqual([
      ["0%", "50%"],
      ["50%", "50%"],
    ]);
    const durations = screen.getAllByTestId("step-duration").map((d) => d.textContent);
    expect(durations).toEqual(["2.0 s", "2.0 s", "—"]);
    expect(screen.getByText("2 attempts")).toBeTruthy();
  });

  it("opens a step to its attempts with their errors, its input and its output", async () => {
    renderInTheme(<StepTimeline run={run} now={T0 + 4000} definitions={definitions} />);
    await userEvent.click(screen.getByRole("button", { name: "Step fetch: succeeded" }));
    const attempts = await screen.findByRole("table", { name: "Attempts of fetch" });
    const rows = within(attempts).getAllByRole("row").slice(1);
    expect(rows.map((row) => within(row).getAllByRole("cell")[0]?.textContent)).toEqual(["1", "2"]);
    expect(rows[0]?.textContent).toContain("http-status: 503 from the API");
    expect(rows[1]?.textContent).toContain("1.0 s");
    // The latest attempt's input, not the configuration's placeholders.
    expect(screen.getByLabelText("Input of fetch").textContent).toContain(
      "https://example.test/v2",
    );
    expect(screen.getByTestId("input-note-fetch").textContent).toContain("attempt 2 ran on");
    expect(screen.getByLabelText("Output of fetch").textContent).toContain('"status": 200');
  });

  it("shows a step's configuration as its input until an attempt has run", async () => {
    const configured = new Map([
      ["report", { id: "report", type: "log", needs: [], with: { message: "{{ run.id }}" } }],
    ]) as unknown as ReadonlyMap<string, never>;
    renderInTheme(<StepTimeline run={run} now={T0 + 4000} definitions={configured} />);
    await userEvent.click(screen.getByRole("button", { name: "Step report: running" }));
    expect((await screen.findByLabelText("Input of report")).textContent).toContain("{{ run.id }}");
    expect(screen.getByTestId("input-note-report").textContent).toMatch(/^Not run yet/);
  });
});
