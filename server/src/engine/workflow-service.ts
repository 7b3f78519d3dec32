import { generateToken } from "../auth/tokens.ts";
import { ConflictError, NotFoundError, ValidationError, WeftError } from "../errors.ts";
import { nextFireAfter } from "../scheduler/next-fire.ts";
import type { Db } from "../store/database.ts";
import { newId } from "../store/ids.ts";
import { inWriteTransaction } from "../store/transaction.ts";
import { getScheduleRows, getWebhookRows, getWorkflowRow } from "../store/workflows.ts";
import { triggerIds, type WorkflowDefinition } from "./definition.ts";
import { locateIssues } from "./issue-positions.ts";
import { MAX_NESTING, nestsDeeperThan } from "./nesting.ts";
import type { StepRegistry } from "./step-registry.ts";
import { parseDefinitionSource, validateDefinition } from "./validate.ts";

/** A definition as it arrives: text in YAML or JSON, or an already parsed object. */
export type DefinitionInput = { text: string; format: "yaml" | "json" } | { value: unknown };

export interface SavedWorkflow {
  id: string;
  version: number;
  /** `created` for a new workflow, `versioned` for a new version, `unchanged` otherwise. */
  change: "created" | "versioned" | "unchanged";
}

/** Parses and validates a definition; throws a ValidationError naming each fault's path. */
export function readDefinition(
  input: DefinitionInput,
  registry: StepRegistry,
): { definition: WorkflowDefinition; source: string } {
  if ("value" in input)
    return { definition: checkDefinition(input.value, registry), source: toSource(input.value) };

  const raw = parseDefinitionSource(input.text, input.format);
  try {
    return { definition: checkDefinition(raw, registry), source: input.text };
  } catch (error) {
    // Text has lines: each issue gets the line and column its path names.
    if (error instanceof ValidationError)
      throw new ValidationError(locateIssues(input.text, error.issues), error.message);
    throw error;
  }
}

function checkDefinition(raw: unknown, registry: StepRegistry): WorkflowDefinition {
  if (nestsDeeperThan(raw)) {
    throw new ValidationError([
      { path: "", message: `the definition nests deeper than ${MAX_NESTING} levels` },
    ]);
  }
  return validateDefinition(raw, registry);
}

const toSource = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * Saves a definition under its name: a new workflow, or a new immutable version when it
 * differs from the current one. `expectId` makes it an update of that workflow only.
 */
export async function saveWorkflow(
  db: Db,
  registry: StepRegistry,
  input: DefinitionInput,
  options: { userId?: string; expectId?: string; expectVersion?: number } = {},
): Promise<SavedWorkflow> {
  const { definition, source } = readDefinition(input, registry);
  return inWriteTransaction(db, async (tx) => {
    const now = Date.now();
    const target = options.expectId
      ? await getWorkflowRow(tx, options.expectId)
      : await getWorkflowRow(tx, definition.name);
    if (options.expectId && !target) throw new NotFoundError("workflow", options.expectId);
    if (target && target.archived_at !== null)
      throw new ConflictError(`workflow "${target.name}" is archived`);
    // Checked in the transaction that saves: two editors of one version cannot both win.
    const expected = options.expectVersion;
    if (target && expected !== undefined && target.current_version !== expected)
      throw new WeftError(
        "precondition-failed",
        expected === 0
          ? `workflow "${target.name}" was not saved: a weak entity tag never matches, send "${target.current_version}"`
          : `workflow "${target.name}" is at version ${target.current_version}, not ${expected}: ` +
              "it was saved meanwhile; load it again and redo the change there",
      );

    if (target && target.name !== definition.name) {
      const clash = await getWorkflowRow(tx, definition.name);
      if (clash) throw new ConflictError(`another workflow is already named "${definition.name}"`);
    }

    const tags = `,${definition.tags.join(",")},`;
    const json = JSON.stringify(definition);
    if (target) {
      const current = await tx
        .selectFrom("workflow_versions")
        .select("definition")
        .where("workflow_id", "=", target.id)
        .where("version", "=", target.current_version)
        .executeTakeFirstOrThrow();
      if (current.definition === json)
        return { id: target.id, version: target.current_version, change: "unchanged" as const };
      const version = target.current_version + 1;
      await tx
        .insertInto("workflow_versions")
        .values({
          workflow_id: target.id,
          version,
          definition: json,
          source,
          created_at: now,
          created_by: options.userId ?? null,
        })
        .execute();
      await tx
        .updateTable("workflows")
        .set({
          name: definition.name,
          description: definition.description,
          tags,
          current_version: version,
          updated_at: now,
        })
        .where("id", "=", target.id)
        .execute();
      await syncTriggers(tx, target.id, definition, now);
      return { id: target.id, version, change: "versioned" as const };
    }

    const id = newId(now);
    await tx
      .insertInto("workflows")
      .values({
        id,
        name: definition.name,
        description: definition.description,
        tags,
        current_version: 1,
        archived_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await tx
      .insertInto("workflow_versions")
      .values({
        workflow_id: id,
        version: 1,
        definition: json,
        source,
        created_at: now,
        created_by: options.userId ?? null,
      })
      .execute();
    await syncTriggers(tx, id, definition, now);
    return { id, version: 1, change: "created" as const };
  });
}

/** Keeps the stored trigger state in step with a definition: keys survive, schedules recompute. */
async function syncTriggers(
  tx: Db,
  workflowId: string,
  definition: WorkflowDefinition,
  now: number,
) {
  const ids = triggerIds(definition.triggers);
  const hookIds = ids.filter((_, i) => definition.triggers[i]!.type === "webhook");
  const existingHooks = new Set((await getWebhookRows(tx, workflowId)).map((h) => h.trigger_id));
  for (const id of hookIds.filter((h) => !existingHooks.has(h))) {
    await tx
      .insertInto("webhooks")
      .values({
        workflow_id: workflowId,
        trigger_id: id,
        key: generateToken("wfh"),
        created_at: now,
      })
      .execute();
  }
  const staleHooks = [...existingHooks].filter((h) => !hookIds.includes(h));
  if (staleHooks.length > 0)
    await tx
      .deleteFrom("webhooks")
      .where("workflow_id", "=", workflowId)
      .where("trigger_id", "in", staleHooks)
      .execute();

  const existing = new Map(
    (
      await tx.selectFrom("schedules").selectAll().where("workflow_id", "=", workflowId).execute()
    ).map((s) => [s.trigger_id, s]),
  );
  const kept = new Set<string>();
  for (const [i, trigger] of definition.triggers.entries()) {
    if (trigger.type !== "schedule") continue;
    const id = ids[i]!;
    kept.add(id);
    const row = existing.get(id);
    const fields = { cron: trigger.cron, timezone: trigger.timezone, catch_up: trigger.catchUp };
    if (row && row.cron === trigger.cron && row.timezone === trigger.timezone) {
      await tx
        .updateTable("schedules")
        .set(fields)
        .where("workflow_id", "=", workflowId)
        .where("trigger_id", "=", id)
        .execute();
      continue;
    }
    const next = nextFireAfter(trigger.cron, trigger.timezone, now) ?? null;
    if (row) {
      await tx
        .updateTable("schedules")
        .set({ ...fields, next_fire_at: next })
        .where("workflow_id", "=", workflowId)
        .where("trigger_id", "=", id)
        .execute();
    } else {
      await tx
        .insertInto("schedules")
        .values({
          workflow_id: workflowId,
          trigger_id: id,
          ...fields,
          next_fire_at: next,
          last_fired_at: null,
          paused: 0,
          created_at: now,
        })
        .execute();
    }
  }
  const stale = [...existing.keys()].filter((id) => !kept.has(id));
  if (stale.length > 0)
    await tx
      .deleteFrom("schedules")
      .where("workflow_id", "=", workflowId)
      .where("trigger_id", "in", stale)
      .execute();
}

/**
 * Archives a workflow (its history stays, it takes no new runs, its triggers stop), or with
 * `archived: false` brings it back as it was.
 */
export async function setArchived(db: Db, idOrName: string, archived: boolean): Promise<void> {
  const row = await getWorkflowRow(db, idOrName);
  if (!row) throw new NotFoundError("workflow", idOrName);
  if ((row.archived_at !== null) === archived) return;
  const now = Date.now();
  await db
    .updateTable("workflows")
    .set({ archived_at: archived ? now : null, updated_at: now })
    .where("id", "=", row.id)
    .execute();
  if (archived) return;
  // Like resuming a schedule: the slots passed while archived are not caught up.
  for (const schedule of await getScheduleRows(db, row.id)) {
    await db
      .updateTable("schedules")
      .set({ next_fire_at: nextFireAfter(schedule.cron, schedule.timezone, now) ?? null })
      .where("workflow_id", "=", row.id)
      .where("trigger_id", "=", schedule.trigger_id)
      .execute();
  }
}

/** Gives a webhook trigger a new key; the old URL stops working at once. */
export async function rotateWebhookKey(
  db: Db,
  workflowId: string,
  triggerId: string,
): Promise<string> {
  const key = generateToken("wfh");
  const result = await db
    .updateTable("webhooks")
    .set({ key })
    .where("workflow_id", "=", workflowId)
    .where("trigger_id", "=", triggerId)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n)
    throw new NotFoundError("webhook trigger", `${workflowId}/${triggerId}`);
  return key;
}
