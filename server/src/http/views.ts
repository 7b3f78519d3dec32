import type { TriggerDefinition, WorkflowDefinition } from "../engine/definition.ts";
import { triggerIds } from "../engine/definition.ts";
import { fromStoredJson } from "../engine/stored-value.ts";
import { nextFireAfter } from "../scheduler/next-fire.ts";
import type {
  getAttemptRows,
  getRunRow,
  getStepRunRows,
  listRunRows,
} from "../store/run-queries.ts";
import type { getVersionRow, listVersionRows, WorkflowRow } from "../store/workflows.ts";

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
    const paused = schedule?.paused === 1;
    const next = schedule?.next_fire_at ?? null;
    return {
      id,
      type: trigger.type,
      cron: trigger.cron,
      timezone: trigger.timezone,
      catchUp: trigger.catchUp,
      nextFireAt: iso(next),
      /** The next UPCOMING_FIRES fire times from nextFireAt on; none while paused. */
      upcoming: paused || next === null ? [] : upcomingFires(trigger.cron, trigger.timezone, next),
      paused,
    };
  }
  return { id, type: trigger.type };
}

/** How many fire times a schedule trigger's view lists. */
export const UPCOMING_FIRES = 5;

/** The stored next fire time and the ones after it, as ISO instants, up to UPCOMING_FIRES. */
function upcomingFires(cron: string, timezone: string, next: number): string[] {
  const times = [next];
  while (times.length < UPCOMING_FIRES) {
    const after = nextFireAfter(cron, timezone, times.at(-1)!);
    if (after === undefined) break;
    times.push(after);
  }
  return times.map((ms) => new Date(ms).toISOString());
}

/** POST /api/v1/workflows/validate for a valid definition: what it names and how big it is. */
export function definitionCheckView(definition: WorkflowDefinition) {
  return { valid: true as const, name: definition.name, steps: definition.steps.length };
}

type VersionListRow = Awaited<ReturnType<typeof listVersionRows>>[number];
type VersionRow = NonNullable<Awaited<ReturnType<typeof getVersionRow>>>;

/** One entry of a workflow's version list: when and by whom it was saved. */
export function versionSummary(row: VersionListRow) {
  return {
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
    createdByEmail: row.created_by_email,
  };
}

/** One version: its definition as validated, and its text as sent (null when not kept). */
export function versionView(row: VersionRow) {
  return {
    version: row.version,
    definition: JSON.parse(row.definition) as WorkflowDefinition,
    source: row.source,
    createdAt: new Date(row.created_at).toISOString(),
  };
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
          input: fromStoredJson(a.input) ?? null,
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
