/**
 * JSONata expressions and `{{ … }}` interpolation. Every evaluation is bounded in time and depth
 * through JSONata's own guardrails, whose counters live in each evaluation's frame, so one
 * compiled expression is safely shared by concurrent runs.
 */
import { setFlagsFromString } from "node:v8";
import jsonata from "jsonata";
import type { Issue } from "../errors.ts";
import { findUnsafeRegex, guardBuiltins, isBoundedExpression } from "./expression-guards.ts";
import { type Segment, scanTemplate } from "./template.ts";

// JSONata's time limit cannot interrupt one native RegExp call, so a pattern like
// /^(a+)+$/ could block the process for minutes. V8 switches a regular expression that
// backtracks excessively to its linear-time engine (patterns without backreferences or
// lookarounds); this turns that on for the whole process, before any pattern runs.
setFlagsFromString("--enable-experimental-regexp-engine-on-excessive-backtracks");

/** Bounds one evaluation; a runaway expression is stopped when it crosses either. */
export interface ExpressionLimits {
  /** Wall-clock budget in milliseconds; 250 unless set. */
  timeoutMs?: number;
  /** Deepest nesting of evaluation frames; 200 unless set. */
  maxDepth?: number;
}

/** How `interpolate` walks a value. */
export interface InterpolateOptions {
  /** Top-level object keys left as they are, for fields that are expressions themselves. */
  skipKeys?: readonly string[];
  limits?: ExpressionLimits;
  /** Prefix of the paths named in error messages, like `steps[1].with`. */
  basePath?: string;
}

/** A JSONata expression did not parse or failed while it ran; fields come from JSONata. */
export class ExpressionError extends Error {
  readonly code?: string;
  readonly position?: number;
  readonly token?: string;

  constructor(message: string, details: ExpressionFault & { cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "ExpressionError";
    this.code = details.code;
    this.position = details.position;
    this.token = details.token;
  }
}

interface ExpressionFault {
  code?: string;
  position?: number;
  token?: string;
  message?: string;
}

type Compiled = { expression: jsonata.Expression } | { fault: ExpressionFault };

const DEFAULT_LIMITS = { timeoutMs: 250, maxDepth: 200 } as const;
const CACHE_SIZE = 1000;
const TIME_LIMIT_CODE = "D1012";
const DEPTH_LIMIT_CODE = "D1011";

const cache = new Map<string, jsonata.Expression>();
const bounded = new WeakMap<jsonata.Expression, boolean>();

/** Compiles `source` once per limits, then returns the same object; throws ExpressionError. */
export function compileExpression(source: string, limits?: ExpressionLimits): jsonata.Expression {
  const compiled = compileCached(source, resolveLimits(limits));
  if ("expression" in compiled) return compiled.expression;
  throw new ExpressionError(parseMessage(compiled.fault), compiled.fault);
}

/** Returns why `source` does not parse, or undefined when it does. */
export function checkExpression(source: string): string | undefined {
  const compiled = compileCached(source, DEFAULT_LIMITS);
  return "expression" in compiled ? undefined : parseMessage(compiled.fault);
}

/**
 * Whether `source` only reads and combines its input (see isBoundedExpression), so it is safe
 * to evaluate on the server's own thread. False for one that does not parse.
 */
export function isBoundedSource(source: string): boolean {
  const compiled = compileCached(source, DEFAULT_LIMITS);
  if (!("expression" in compiled)) return false;
  let known = bounded.get(compiled.expression);
  if (known === undefined) {
    known = isBoundedExpression(compiled.expression.ast());
    bounded.set(compiled.expression, known);
  }
  return known;
}

/** Every `{{ }}` source in the strings of `value`, leaving out `skipKeys` at the top level. */
export function templateSources(value: unknown, skipKeys: readonly string[] = []): string[] {
  const sources: string[] = [];
  const walk = (item: unknown, skip: readonly string[]) => {
    if (typeof item === "string") {
      if (!item.includes("{{")) return;
      for (const segment of scanTemplate(item).segments)
        if (segment.kind === "expression") sources.push(segment.source);
    } else if (Array.isArray(item)) {
      for (const element of item) walk(element, []);
    } else if (isPlainObject(item)) {
      for (const [key, element] of Object.entries(item)) if (!skip.includes(key)) walk(element, []);
    }
  };
  walk(value, skipKeys);
  return sources;
}

/** Evaluates `source` over `scope` within the limits; resolves to a JSON value or undefined. */
export async function evaluateExpression(
  source: string,
  scope: object,
  limits?: ExpressionLimits,
): Promise<unknown> {
  const resolved = resolveLimits(limits);
  const expression = compileExpression(source, resolved);

  let result: unknown;
  try {
    result = await expression.evaluate(scope);
  } catch (error) {
    throw evaluationError(error, resolved);
  }
  return toJsonValue(result);
}

/**
 * Replaces `{{ expr }}` placeholders in every string of `value`. A string that is one placeholder
 * becomes the expression's value, type kept; otherwise each placeholder is replaced by its text.
 * An unclosed `{{` is kept as text (saving a definition rejects it).
 */
export async function interpolate(
  value: unknown,
  scope: object,
  options: InterpolateOptions = {},
): Promise<unknown> {
  return interpolateValue(value, scope, options, options.basePath ?? "", options.skipKeys ?? []);
}

/** Finds every placeholder in `value` that does not parse or is not closed, with its path. */
export function findExpressionIssues(
  value: unknown,
  basePath: string,
  options: { skipKeys?: readonly string[] } = {},
): Issue[] {
  const issues: Issue[] = [];
  collectIssues(value, basePath, options.skipKeys ?? [], issues);
  return issues;
}

function resolveLimits(limits: ExpressionLimits | undefined): Required<ExpressionLimits> {
  const timeoutMs = limits?.timeoutMs ?? DEFAULT_LIMITS.timeoutMs;
  const maxDepth = limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth;
  // JSONata reads 0 as "no limit", so a bad value here would silently unbound the evaluation.
  if (!(timeoutMs > 0 && Number.isFinite(timeoutMs))) {
    throw new RangeError(`timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
  }
  if (!(Number.isInteger(maxDepth) && maxDepth > 0)) {
    throw new RangeError(`maxDepth must be a positive integer, got ${maxDepth}`);
  }
  return { timeoutMs, maxDepth };
}

function compileCached(source: string, limits: Required<ExpressionLimits>): Compiled {
  const key = `${limits.timeoutMs}:${limits.maxDepth}:${source}`;
  const cached = cache.get(key);
  if (cached) {
    // Re-inserting moves the entry to the end, so eviction drops the least recently used.
    cache.delete(key);
    cache.set(key, cached);
    return { expression: cached };
  }

  let expression: jsonata.Expression;
  try {
    expression = jsonata(source, { timeout: limits.timeoutMs, stack: limits.maxDepth });
  } catch (error) {
    return { fault: toFault(error) };
  }
  const unsafe = findUnsafeRegex(expression.ast());
  if (unsafe) return { fault: { message: unsafe } };
  guardBuiltins(expression);

  cache.set(key, expression);
  const oldest = cache.keys().next().value;
  if (cache.size > CACHE_SIZE && oldest !== undefined) cache.delete(oldest);
  return { expression };
}

function evaluationError(error: unknown, limits: Required<ExpressionLimits>): ExpressionError {
  const limitCode = findLimitCode(error);
  if (limitCode !== undefined) {
    const message =
      limitCode === TIME_LIMIT_CODE
        ? `expression exceeded its time limit of ${limits.timeoutMs}ms`
        : `expression exceeded its depth limit of ${limits.maxDepth}`;
    return new ExpressionError(message, { code: limitCode, cause: error });
  }

  const fault = toFault(error);
  const message = `cannot evaluate expression${at(fault)}: ${fault.message}`;
  return new ExpressionError(message, { ...fault, cause: error });
}

/** A limit hit inside `$eval` arrives wrapped in a D3121 error, so follow the `error` chain. */
function findLimitCode(error: unknown): string | undefined {
  let current = error;
  while (typeof current === "object" && current !== null) {
    const code = (current as { code?: unknown }).code;
    if (code === TIME_LIMIT_CODE || code === DEPTH_LIMIT_CODE) return code;
    current = (current as { error?: unknown }).error;
  }
  return undefined;
}

/** JSONata throws plain objects, not Error instances. */
function toFault(error: unknown): ExpressionFault {
  if (typeof error !== "object" || error === null) return { message: String(error) };
  const { code, position, token, message } = error as Record<string, unknown>;
  return {
    code: typeof code === "string" ? code : undefined,
    position: typeof position === "number" ? position : undefined,
    token: typeof token === "string" ? token : undefined,
    message: typeof message === "string" ? message : String(error),
  };
}

function parseMessage(fault: ExpressionFault): string {
  return `cannot parse expression${at(fault)}: ${fault.message}`;
}

function at(fault: ExpressionFault): string {
  return fault.position === undefined ? "" : ` at position ${fault.position}`;
}

/** Drops JSONata's sequence flags, shared references and function values (as JSON would). */
function toJsonValue(value: unknown): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value, (_key, item) => (isFunctionValue(item) ? undefined : item));
  return text === undefined ? undefined : JSON.parse(text);
}

function isFunctionValue(value: unknown): boolean {
  if (typeof value === "function") return true;
  if (typeof value !== "object" || value === null) return false;
  const marks = value as { _jsonata_lambda?: unknown; _jsonata_function?: unknown };
  return marks._jsonata_lambda === true || marks._jsonata_function === true;
}

async function interpolateValue(
  value: unknown,
  scope: object,
  options: InterpolateOptions,
  path: string,
  skipKeys: readonly string[],
): Promise<unknown> {
  if (typeof value === "string") return interpolateString(value, scope, options.limits, path);

  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const [i, item] of value.entries()) {
      items.push(await interpolateValue(item, scope, options, `${path}[${i}]`, []));
    }
    return items;
  }

  if (!isPlainObject(value)) return value;
  const entries: [string, unknown][] = [];
  for (const [key, item] of Object.entries(value)) {
    const next = skipKeys.includes(key)
      ? item
      : await interpolateValue(item, scope, options, joinKey(path, key), []);
    entries.push([key, next]);
  }
  // fromEntries defines own properties, so a `__proto__` key in the data stays a plain key.
  return Object.fromEntries(entries);
}

async function interpolateString(
  text: string,
  scope: object,
  limits: ExpressionLimits | undefined,
  path: string,
): Promise<unknown> {
  if (!text.includes("{{")) return text;
  const { segments } = scanTemplate(text);

  const solo = soloExpression(segments);
  if (solo !== undefined) return evaluateAt(solo, scope, limits, path);

  let out = "";
  for (const segment of segments) {
    if (segment.kind === "text") out += segment.text;
    else out += toText(await evaluateAt(segment.source, scope, limits, path));
  }
  return out;
}

async function evaluateAt(
  source: string,
  scope: object,
  limits: ExpressionLimits | undefined,
  path: string,
): Promise<unknown> {
  try {
    return await evaluateExpression(source, scope, limits);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    const where = `${path ? `${path} ` : ""}"{{${source}}}"`;
    const { code, position, token, message } = error;
    throw new ExpressionError(`${where}: ${message}`, { code, position, token, cause: error });
  }
}

/** The one expression of a string like `  {{ x }} `, or undefined when there is text around it. */
function soloExpression(segments: Segment[]): string | undefined {
  const expressions = segments.filter((segment) => segment.kind === "expression");
  const onlySpace = segments.every((s) => s.kind === "expression" || s.text.trim() === "");
  const first = expressions[0];
  return expressions.length === 1 && onlySpace && first ? first.source : undefined;
}

function toText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function collectIssues(
  value: unknown,
  path: string,
  skipKeys: readonly string[],
  issues: Issue[],
): void {
  if (typeof value === "string") {
    issues.push(...templateIssues(value, path));
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) collectIssues(item, `${path}[${i}]`, [], issues);
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (!skipKeys.includes(key)) collectIssues(item, joinKey(path, key), [], issues);
    }
  }
}

function templateIssues(text: string, path: string): Issue[] {
  if (!text.includes("{{")) return [];
  const template = scanTemplate(text);
  const issues: Issue[] = [];

  for (const segment of template.segments) {
    if (segment.kind === "text") continue;
    const compiled = compileCached(segment.source, DEFAULT_LIMITS);
    if ("expression" in compiled) continue;
    const { fault } = compiled;
    const message = `cannot parse expression "{{${segment.source}}}"${at(fault)}: ${fault.message}`;
    issues.push({ path, message });
  }

  if (template.unclosedAt !== undefined) {
    const message = `"{{" at character ${template.unclosedAt} is not closed by "}}"`;
    issues.push({ path, message });
  }
  return issues;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function joinKey(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
