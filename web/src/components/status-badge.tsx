import { Badge, type BadgeProps } from "@mantine/core";
import type { AttemptStatus, RunStatus, StepRunStatus } from "../../../server/src/store/schema.ts";

/** Every status a run, a step run or an attempt can have, as the server stores them. */
export type AnyStatus = RunStatus | StepRunStatus | AttemptStatus;

/**
 * One colour per status, for badges, graph nodes, timeline bars and charts alike. The word
 * is always shown beside it: colour alone tells nothing to a colour-blind reader.
 */
export const STATUS_COLORS: Record<AnyStatus, string> = {
  pending: "gray",
  queued: "gray",
  running: "blue",
  waiting: "cyan",
  succeeded: "green",
  failed: "red",
  skipped: "dark",
  cancelled: "yellow",
  lost: "orange",
};

/** The colour of a status the server sent, grey for one this build does not know. */
export function statusColor(status: string): string {
  return STATUS_COLORS[status as AnyStatus] ?? "gray";
}

/** A run's, step's or attempt's status as a light badge in its colour. */
export function StatusBadge({ status, ...props }: { status: string } & BadgeProps) {
  return (
    <Badge color={statusColor(status)} variant="light" {...props}>
      {status}
    </Badge>
  );
}
