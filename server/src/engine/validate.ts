import { parseDocument, parse as parseYaml, YAMLParseError } from "yaml";
import type { z } from "zod";
import { type Issue, ValidationError } from "../errors.ts";
import { checkCron, checkTimezone } from "../scheduler/next-fire.ts";
import { findCycle } from "./dag.ts";
import { positionOf, UNKNOWN_KEY_MESSAGE } from "./issue-positions.ts";
import { definitionSchema, triggerIds, type WorkflowDefinition } from "./definition.ts";
import { checkExpression, findExpressionIssues } from "./expressions.ts";
import type { StepRegistry } from "./step-registry.ts";

/**
 * Parses a definition written as YAML or JSON. A syntax error names its line and column in
 * the path (as people read it) and in `line` and `column` (for editors).
 */
export function parseDefinitionSource(source: string, format: "yaml" | "json"): unknown {
  try {
    return format === "json" ? JSON.parse(source) : parseYaml(source, { maxAliasCount: 100 });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const at = error.linePos?.[0];
      // The path names the place, so the message drops yaml's own "at line …, column …:".
      const message = firstLine(error.message).replace(/ at line \d+, column \d+:?$/, "");
      if (!at) throw new ValidationError([{ path: "", message }]);
      const path = `line ${at.line}, column ${at.col}`;
      throw new ValidationError([{ path, message, line: at.line, column: at.col }]);
    }
    const what = format === "json" ? "JSON" : "YAML";
    const message = `invalid ${what}: ${(error as Error).message}`;
    throw new ValidationError([{ path: "", message, ...jsonErrorPosition(source, error) }]);
  }
}

/**
 * Where JSON.parse stopped: the offset V8 puts in most messages ("… at position 12 …"), else
 * where `yaml` (a superset of JSON) stumbles on the same text.
 */
function jsonErrorPosition(source: string, error: unknown): { line?: number; column?: number } {
  if (!(error instanceof SyntaxError)) return {};
  const offset = /at position (\d+)/.exec(error.message)?.[1];
  if (offset !== undefined) return positionOf(source, Number(offset));
  const at = parseDocument(source).errors[0]?.linePos?.[0];
  return at ? { line: at.line, column: at.col } : {};
}

/** Checks a parsed definition against the schema and every rule the schema cannot state. */
export function validateDefinition(raw: unknown, registry: StepRegistry): WorkflowDefinition {
  const parsed = definitionSchema.safeParse(raw);
  if (!parsed.success) throw new ValidationError(zodIssues(parsed.error));

  const definition = parsed.data;
  const issues = [
    ...stepGraphIssues(definition),
    ...stepContentIssues(definition, registry),
    ...triggerIssues(definition),
  ];
  if (issues.length > 0) throw new ValidationError(issues);
  return definition;
}

/** Renders zod's issues with paths like `steps[1].with.url`. */
export function zodIssues(error: z.ZodError, basePath = ""): Issue[] {
  return error.issues.flatMap((issue) => {
    // An unknown key is a fault at that key, so its path names it.
    if (issue.code === "unrecognized_keys")
      return issue.keys.map((key) => ({
        path: joinPath(basePath, [...issue.path, key]),
        message: `${UNKNOWN_KEY_MESSAGE}: "${key}"`,
      }));
    return [{ path: joinPath(basePath, issue.path), message: issue.message }];
  });
}

function stepGraphIssues(definition: WorkflowDefinition): Issue[] {
  const issues: Issue[] = [];
  const firstIndex = new Map<string, number>();

  definition.steps.forEach((step, i) => {
    const earlier = firstIndex.get(step.id);
    if (earlier === undefined) firstIndex.set(step.id, i);
    else
      issues.push({
        path: `steps[${i}].id`,
        message: `"${step.id}" is already used by steps[${earlier}]`,
      });
  });

  definition.steps.forEach((step, i) => {
    step.needs.forEach((need, j) => {
      const path = `steps[${i}].needs[${j}]`;
      if (need === step.id) issues.push({ path, message: `step "${step.id}" cannot need itself` });
      else if (!firstIndex.has(need))
        issues.push({ path, message: `references unknown step "${need}"` });
    });
  });

  const cycle = findCycle(definition.steps.filter((s) => !s.needs.includes(s.id)));
  if (cycle) {
    const at = firstIndex.get(cycle[0]!) ?? 0;
    issues.push({
      path: `steps[${at}].needs`,
      message: `steps form a cycle: ${cycle.join(" → ")}`,
    });
  }
  return issues;
}

function stepContentIssues(definition: WorkflowDefinition, registry: StepRegistry): Issue[] {
  const issues: Issue[] = [];
  definition.steps.forEach((step, i) => {
    const base = `steps[${i}]`;
    const type = registry.get(step.type);
    if (!type) {
      const known = registry.names().join(", ");
      issues.push({
        path: `${base}.type`,
        message: `"${step.type}" is not a step type: use one of ${known}`,
      });
      return;
    }

    if (step.if !== undefined) {
      const fault = checkExpression(unwrapBraces(step.if));
      if (fault) issues.push({ path: `${base}.if`, message: fault });
    }

    const checked = type.with.safeParse(step.with);
    if (!checked.success) issues.push(...zodIssues(checked.error, `${base}.with`));

    const skipKeys = type.expressionFields ?? [];
    issues.push(...findExpressionIssues(step.with, `${base}.with`, { skipKeys }));
    for (const key of skipKeys) {
      const source = step.with[key];
      if (typeof source !== "string") continue;
      const fault = checkExpression(source);
      if (fault) issues.push({ path: `${base}.with.${key}`, message: fault });
      if (/\bsecrets\./.test(source)) {
        const message = "cannot read secrets: pass them through a {{ secrets.X }} field instead";
        issues.push({ path: `${base}.with.${key}`, message });
      }
    }
  });
  return issues;
}

function triggerIssues(definition: WorkflowDefinition): Issue[] {
  const issues: Issue[] = [];
  const ids = triggerIds(definition.triggers);
  const stepIds = new Set(definition.steps.map((s) => s.id));

  definition.triggers.forEach((trigger, i) => {
    const base = `triggers[${i}]`;
    const firstUse = ids.indexOf(ids[i]!);
    if (firstUse !== i) {
      issues.push({
        path: `${base}.id`,
        message: `"${ids[i]}" is already used by triggers[${firstUse}]`,
      });
    }
    if (trigger.type === "schedule") {
      const cronFault = checkCron(trigger.cron);
      if (cronFault) issues.push({ path: `${base}.cron`, message: cronFault });
      const zoneFault = checkTimezone(trigger.timezone);
      if (zoneFault) issues.push({ path: `${base}.timezone`, message: zoneFault });
    }
    if (trigger.type === "webhook" && trigger.respond?.step && !stepIds.has(trigger.respond.step)) {
      issues.push({
        path: `${base}.respond.step`,
        message: `references unknown step "${trigger.respond.step}"`,
      });
    }
    if (trigger.type === "webhook" && trigger.verify) {
      issues.push(...findExpressionIssues(trigger.verify.secret, `${base}.verify.secret`));
    }
  });
  return issues;
}

/** `{{ expr }}` and `expr` both mean the expression `expr` where a field is an expression. */
export function unwrapBraces(source: string): string {
  const match = /^\s*\{\{([\s\S]*)\}\}\s*$/.exec(source);
  return match ? match[1]!.trim() : source;
}

function joinPath(base: string, path: readonly PropertyKey[]): string {
  let out = base;
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
