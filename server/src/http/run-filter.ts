import { z } from "zod";
import { NotFoundError } from "../errors.ts";
import type { Db } from "../store/database.ts";
import type { RunFilter } from "../store/run-queries.ts";
import { getWorkflowRow } from "../store/workflows.ts";

/** The query parameters that choose runs, shared by the runs list and the runs export. */

const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
const TRIGGER_TYPES = ["manual", "webhook", "schedule"] as const;

const commaList = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)));

const instant = z.iso
  .datetime({ offset: true, error: "must be an ISO 8601 instant like 2026-12-01T00:00:00Z" })
  .transform((s) => Date.parse(s));

/**
 * `status` and `trigger` take comma-separated values; `workflow` an id or a name; `error` a
 * text the run's error message contains.
 */
export const runFilterQuery = z.object({
  status: commaList(RUN_STATUSES).optional(),
  workflow: z.string().optional(),
  trigger: commaList(TRIGGER_TYPES).optional(),
  tag: z.string().optional(),
  error: z.string().trim().min(1).max(200).optional(),
  from: instant.optional(),
  to: instant.optional(),
});

export type RunFilterQuery = z.infer<typeof runFilterQuery>;

/** The store's filter for parsed query parameters; an unknown workflow is a 404 naming it. */
export async function resolveRunFilter(db: Db, query: RunFilterQuery): Promise<RunFilter> {
  let workflowId: string | undefined;
  if (query.workflow) {
    const workflow = await getWorkflowRow(db, query.workflow);
    if (!workflow) throw new NotFoundError("workflow", query.workflow);
    workflowId = workflow.id;
  }
  return {
    status: query.status,
    workflowId,
    triggerType: query.trigger,
    tag: query.tag,
    errorText: query.error,
    from: query.from,
    to: query.to,
  };
}
