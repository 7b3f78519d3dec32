import type { Config } from "../../config/config.ts";
import { parseDuration } from "../../engine/duration.ts";
import { createLogger } from "../../observability/logger.ts";
import { getAttemptRows, getRunRow, getStepRunRows } from "../../store/run-queries.ts";
import { getWorkflowRow } from "../../store/workflows.ts";
import { createWeft, type Weft } from "../../weft.ts";
import type { CliValues } from "../main.ts";
import { print, UsageError } from "../output.ts";

/**
 * `weft run NAME`: starts a run. With `--wait` this process also works the run's attempts
 * and prints its steps and output; the exit code is 0 only if the run succeeded.
 */
export async function runRun(config: Config, name: string, values: CliValues): Promise<number> {
  let input: unknown = null;
  if (values.input !== undefined) {
    try {
      input = JSON.parse(values.input);
    } catch (error) {
      throw new UsageError(`--input is not valid JSON: ${(error as Error).message}`);
    }
  }
  const timeoutMs = parseDuration(values.timeout ?? "10m");
  if (timeoutMs === undefined)
    throw new UsageError(`--timeout "${values.timeout}" is not a duration like 60s`);

  const logger = createLogger(
    config.logLevel === "info" ? "warn" : config.logLevel,
    process.stderr,
  );
  const weft = await createWeft(config, logger, {
    http: false,
    workers: values.wait === true,
    scheduler: false,
  });
  try {
    const workflow = await getWorkflowRow(weft.store.db, name);
    if (!workflow) throw new UsageError(`no workflow is named "${name}"`);
    await weft.start();
    const { runId } = await weft.engine.startRun({
      workflowId: workflow.id,
      triggerType: "manual",
      trigger: { type: "manual", input, user: "cli" },
    });
    if (!values.wait) {
      print(runId);
      return 0;
    }
    const status = await weft.engine.waitForRun(runId, timeoutMs);
    await printRun(weft, runId);
    if (status === undefined) print(`still running after ${values.timeout ?? "10m"}`);
    return status === "succeeded" ? 0 : 1;
  } finally {
    await weft.stop();
  }
}

async function printRun(weft: Weft, runId: string): Promise<void> {
  const db = weft.store.db;
  const run = (await getRunRow(db, runId))!;
  const plan = await weft.engine.requirePlan(run.workflow_id, run.version);
  const ids = plan.definition.steps.map((s) => s.id);
  const steps = (await getStepRunRows(db, runId)).sort(
    (a, b) => ids.indexOf(a.step_id) - ids.indexOf(b.step_id),
  );
  const attempts = await getAttemptRows(db, runId);
  print(`run ${run.id} ${run.status}`);
  for (const step of steps) {
    const tries = attempts.filter((a) => a.step_run_id === step.id).length;
    const took = step.ended_at && step.started_at ? ` ${step.ended_at - step.started_at}ms` : "";
    print(`  ${step.step_id.padEnd(20)} ${step.status.padEnd(10)} attempts=${tries}${took}`);
    if (step.error) print(`    error: ${JSON.parse(step.error).message}`);
  }
  print(`output: ${run.output ?? "null"}`);
  if (run.error) print(`error: ${JSON.parse(run.error).message}`);
}
