import type { DashboardWidget } from "../../api/answers.ts";
import { widgetRange, widgetTitle } from "./widget-kinds.ts";
import { RecentFailuresWidget } from "./widgets/recent-failures-widget.tsx";
import { RunsByStatusWidget } from "./widgets/runs-by-status-widget.tsx";
import { SlowestWorkflowsWidget } from "./widgets/slowest-workflows-widget.tsx";
import { SuccessRateWidget } from "./widgets/success-rate-widget.tsx";
import { ThroughputWidget } from "./widgets/throughput-widget.tsx";
import { UpcomingSchedulesWidget } from "./widgets/upcoming-schedules-widget.tsx";

/** What a widget shows, by its kind and options. */
export function WidgetBody({ widget }: { widget: DashboardWidget }) {
  const title = widgetTitle(widget);
  const range = widgetRange(widget);
  const limit = widget.options?.limit ?? 10;
  switch (widget.type) {
    case "runs-by-status":
      return <RunsByStatusWidget title={title} range={range} />;
    case "success-rate":
      return <SuccessRateWidget title={title} range={range} />;
    case "throughput":
      return <ThroughputWidget title={title} range={range} />;
    case "recent-failures":
      return <RecentFailuresWidget title={title} limit={limit} />;
    case "slowest-workflows":
      return <SlowestWorkflowsWidget title={title} range={range} limit={limit} />;
    case "upcoming-schedules":
      return <UpcomingSchedulesWidget title={title} limit={limit} />;
  }
}
