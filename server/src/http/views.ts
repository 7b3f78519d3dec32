import type { TriggerDefinition, WorkflowDefinition } from "../engine/definition.ts";
import { triggerIds } from "../engine/definition.ts";
import { fromStoredJson } from "../engine/stored-value.ts";
import type {
  getAttemptRows,
  getRunRow,
  getStepRunRows,
  listRunRows,
} from "../store/run-queries.ts";
import type { WorkflowRow } from "../store/workflows.ts";

/** How stored rows look in API answers: camelCase, ISO times, parsed JSON. */

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const tagsOf = (tags: string) => tags.split(",").filter(Boolean);

export function workflowSummary(row: WorkflowRow) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tags: tagsOf(row.tags),
    version: row.current_version,
    archived: row.archived_at !== null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export interface TriggerState {
  hookKeys: Map<string, string>;
  schedules: Map<string, { next_fire_at: number | null; paused: number }>;
  /** Where hook URLs start; undefined hides them (the caller may not see keys). */
  hookBase: string | undefined;
}

export function workflowView(
  row: WorkflowRow,
  definition: WorkflowDefinition,
  state: TriggerState,
) {
  const ids = triggerIds(definition.triggers);
  return {
    ...workflowSummary(row),
    definition,
    triggers: definition.triggers.map((t, i) => triggerView(row.id, t, ids[i]!, state)),
  };
}

function triggerView(
  workflowId: string,
  trigger: TriggerDefinition,
  id: string,
  state: TriggerState,
) {
  if (trigger.type === "webhook") {
    const key = state.hookKeys.get(id);
    const url = state.hookBase && key ? `${state.hookBase}/hooks/${workflowId}/${key}` : undefined;
    return {
      id,
      type: trigger.type,
      verify: trigger.verify?.scheme ?? "token",
      ...(url ? { url } : {}),
    };
  }
  if (trigger.type === "schedule") {
    const schedule = state.schedules.get(id);
    return {
      id,
      type: trigger.type,
      cron: trigger.cron,
      timezone: trigger.timezone,
      catchUp: trigger.catchUp,
      nextFireAt: iso(schedule?.next_fire_at ?? null),
      paused: schedule?.paused === 1,
    };
  }
  return { id, type: trigger.type };
}

type RunListRow = Awaited<ReturnType<typeof listRunRows>>[number];

export function runSummary(row: RunListRow) {
  return {
    id: row.id,
    workflowId: row.workflow_id,
    workflowName: row.workflow_name,
    version: row.version,
    status: row.status,
    triggerType: row.trigger_type,
    triggerId: row.trigger_id,
    error: fromStoredJson(row.error) ?? null,
    createdAt: iso(row.created_at),
    startedAt: iso(row.started_at),
    endedAt: iso(row.ended_at),
    durationMs: row.ended_at === null ? null : row.ended_at - (row.started_at ?? row.created_at),
  };
}

type RunRow = NonNullable<Awaited<ReturnType<typeof getRunRow>>>;
type StepRunRow = Awaited<ReturnType<typeof getStepRunRows>>[number];
type AttemptRow = Awaited<ReturnType<typeof getAttemptRows>>[number];

export function runView(
  run: RunRow,
  definition: WorkflowDefinition,
  steps: StepRunRow[],
  attempts: AttemptRow[],
) {
  const order = new Map(definition.steps.map((s, i) => [s.id, i]));
  const sorted = [...steps].sort(
    (a, b) => (order.get(a.step_id) ?? 0) - (order.get(b.step_id) ?? 0),
  );
  return {
    ...runSummary(run),
    trigger: fromStoredJson(run.trigger),
    output: fromStoredJson(run.output) ?? null,
    steps: sorted.map((s) => ({
      id: s.step_id,
      type: definition.steps[order.get(s.step_id) ?? 0]?.type,
      status: s.status,
      output: fromStoredJson(s.output) ?? null,
      error: fromStoredJson(s.error) ?? null,
      wakeAt: iso(s.wake_at),
      startedAt: iso(s.started_at),
      endedAt: iso(s.ended_at),
      attempts: attempts
        .filter((a) => a.step_run_id === s.id)
        .map((a) => ({
          number: a.number,
          status: a.status,
          error: fromStoredJson(a.error) ?? null,
          createdAt: iso(a.created_at),
          availableAt: iso(a.available_at),
          startedAt: iso(a.started_at),
          endedAt: iso(a.ended_at),
          durationMs: a.duration_ms,
        })),
    })),
  };
}

/**
 * One page of a list fetched with `limit + 1` rows: the extra row only says that a next
 * page exists, and the cursor is the last shown row's key.
 */
export function toPage<Row, Item>(
  rows: readonly Row[],
  limit: number,
  view: (row: Row) => Item,
  cursorOf: (row: Row) => string,
): { items: Item[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { items: page.map(view), nextCursor: rows.length > limit ? cursorOf(page.at(-1)!) : null };
}
