import jsonata from "jsonata";

/**
 * What JSONata's time and depth limits cannot stop, because it happens inside one built-in
 * call: a regular expression that backtracks exponentially, or a string or array so large
 * that V8 aborts the whole process. These guards refuse both before they run.
 */

/** Longest string `$pad` may make and `$split` may split: far past real payloads. */
export const MAX_BUILTIN_STRING = 10_000_000;

// Backreferences and lookarounds keep a pattern out of V8's linear-time engine, so they could
// backtrack for minutes on a crafted input.
const NONLINEAR_REGEX = /\\[1-9]|\\k<|\(\?<?[=!]/;

/** Why an expression's regular expressions are refused, or undefined when none is. */
export function findUnsafeRegex(ast: unknown): string | undefined {
  const seen = new Set<object>();
  const walk = (node: unknown): string | undefined => {
    if (node === null || typeof node !== "object" || seen.has(node)) return undefined;
    seen.add(node);
    const { type, value } = node as { type?: string; value?: unknown };
    if (type === "regex" && value instanceof RegExp && NONLINEAR_REGEX.test(value.source)) {
      const why = "uses a backreference or lookaround, which can take exponential time";
      return `regular expression /${value.source}/ ${why}`;
    }
    for (const child of Object.values(node)) {
      const fault = walk(child);
      if (fault) return fault;
    }
    return undefined;
  };
  return walk(ast);
}

const builtinPad = jsonata("$pad($s, $width, $char)");
const builtinSplit = jsonata("$split($s, $separator, $limit)");

/**
 * Replaces, in one compiled expression, the built-ins that can build or split huge strings
 * with versions that refuse past MAX_BUILTIN_STRING, and `$eval`, which would run expressions
 * from data that were never checked when the workflow was saved.
 */
export function guardBuiltins(expression: jsonata.Expression): void {
  expression.registerFunction(
    "pad",
    (s: unknown, width: unknown, char: unknown) => {
      if (typeof width === "number" && Math.abs(width) > MAX_BUILTIN_STRING) {
        throw limitError(`$pad width ${width} is past the limit of ${MAX_BUILTIN_STRING}`);
      }
      return builtinPad.evaluate({}, { s, width, char });
    },
    "<x-ns?:s>",
  );
  expression.registerFunction(
    "split",
    (s: unknown, separator: unknown, limit: unknown) => {
      if (typeof s === "string" && s.length > MAX_BUILTIN_STRING) {
        throw limitError(`$split input of ${s.length} characters is past the limit`);
      }
      return builtinSplit.evaluate({}, { s, separator, limit });
    },
    "<x-(sf)n?:a<s>>",
  );
  expression.registerFunction(
    "eval",
    () => {
      throw limitError("$eval is not available: expressions come only from saved workflows");
    },
    "<x-o?:x>",
  );
}

function limitError(message: string): Error {
  return Object.assign(new Error(message), { code: "W0001" });
}

// Node types whose work is bounded by the expression's length times the size of its input:
// paths, literals, operators, conditions and constructors. Left out is everything that can
// build a large value in one call JSONata's time limit cannot interrupt (function calls,
// ranges, sorting, wildcards) or that makes values reusable (bindings, lambdas).
const BOUNDED_TYPES = new Set([
  "function",
  "path",
  "name",
  "string",
  "number",
  "value",
  "variable",
  "filter",
  "binary",
  "unary",
  "condition",
  "block",
]);
const BOUNDED_BINARY = new Set(["+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">="]);
const BOUNDED_LOGIC = new Set(["and", "or", "in"]);
const BOUNDED_UNARY = new Set(["-", "[", "{"]);
/** Built-ins that only count or test what they are given. */
const BOUNDED_FUNCTIONS = new Set(["exists", "count", "boolean", "not"]);

/**
 * Whether an expression only reads and combines its input, so it cannot allocate or run much
 * longer than reading the input does. Such an expression may run on the server's own thread;
 * any other goes to an isolated worker. False whenever in doubt.
 */
export function isBoundedExpression(ast: unknown): boolean {
  const walk = (node: unknown, depth: number): boolean => {
    if (depth > 100) return false;
    if (node === null || typeof node !== "object") return true;
    if (Array.isArray(node)) return node.every((item) => walk(item, depth + 1));
    const fields = node as Record<string, unknown>;
    if (fields.focus !== undefined || fields.index !== undefined || fields.tuple !== undefined)
      return false;
    if (typeof fields.type === "string" && !boundedNode(fields)) return false;
    return Object.entries(fields).every(
      ([key, child]) => key === "procedure" || walk(child, depth + 1),
    );
  };
  return walk(ast, 0);
}

function boundedNode(node: Record<string, unknown>): boolean {
  const { type, value } = node;
  if (type === "function") {
    const procedure = node.procedure as { type?: unknown; value?: unknown } | undefined;
    return procedure?.type === "variable" && BOUNDED_FUNCTIONS.has(String(procedure.value));
  }
  if (!BOUNDED_TYPES.has(String(type))) return false;
  if (type === "binary")
    return BOUNDED_BINARY.has(String(value)) || BOUNDED_LOGIC.has(String(value));
  if (type === "unary") return BOUNDED_UNARY.has(String(value));
  return true;
}
