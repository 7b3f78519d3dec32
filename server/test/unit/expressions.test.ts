import { describe, expect, it } from "vitest";
import {
  checkExpression,
  compileExpression,
  ExpressionError,
  evaluateExpression,
  findExpressionIssues,
  interpolate,
} from "../../src/engine/expressions.ts";

const scope = {
  trigger: {
    name: "Ada",
    count: 3,
    tags: ["a", "b"],
    body: { issue: { title: "Crash on start" } },
    items: [{ id: 1 }, { id: 2 }],
  },
  steps: { classify: { status: "succeeded", output: { bug: true } } },
  secrets: { TOKEN: "t0k3n" },
};

/** Runs `action` and returns what it threw, failing the test if it did not throw. */
async function rejection(action: () => unknown): Promise<ExpressionError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError);
    return error as ExpressionError;
  }
  throw new Error("expected the action to throw");
}

describe("interpolate", () => {
  it("keeps the type of a string that is one placeholder", async () => {
    expect(await interpolate("{{ trigger.count }}", scope)).toBe(3);
    expect(await interpolate("  {{ steps.classify.output.bug }} ", scope)).toBe(true);
    expect(await interpolate("{{ trigger.body.issue }}", scope)).toEqual({
      title: "Crash on start",
    });
  });

  it("stringifies each placeholder inside text", async () => {
    const text = "{{ trigger.name }} has {{ trigger.count }} tags: {{ trigger.tags }}";
    expect(await interpolate(text, scope)).toBe('Ada has 3 tags: ["a","b"]');
    expect(await interpolate("{{ trigger.count }}{{ trigger.count }}", scope)).toBe("33");
  });

  it("walks nested objects and arrays and leaves other values alone", async () => {
    const value = {
      headers: { Authorization: "Bearer {{ secrets.TOKEN }}" },
      list: ["{{ trigger.count + 1 }}", 5, null, true, "plain"],
    };
    expect(await interpolate(value, scope)).toEqual({
      headers: { Authorization: "Bearer t0k3n" },
      list: [4, 5, null, true, "plain"],
    });
  });

  it("renders undefined and null as empty text, and keeps a lone undefined", async () => {
    expect(await interpolate("id={{ trigger.missing }};", scope)).toBe("id=;");
    expect(await interpolate("a{{ null }}b", scope)).toBe("ab");
    expect(await interpolate("{{ trigger.missing }}", scope)).toBeUndefined();
  });

  it("leaves top-level skipKeys untouched but interpolates the same key deeper", async () => {
    const value = {
      expression: "{{ trigger.count }}",
      nested: { expression: "{{ trigger.count }}" },
    };
    const result = await interpolate(value, scope, { skipKeys: ["expression"] });
    expect(result).toEqual({ expression: "{{ trigger.count }}", nested: { expression: 3 } });
  });

  it("reads braces and strings inside a placeholder", async () => {
    expect(await interpolate('{{ {"a": {"b": 1}} }}', scope)).toEqual({ a: { b: 1 } });
    expect(await interpolate('x{{ "}}" }}y', scope)).toBe("x}}y");
  });

  it("keeps an unclosed placeholder as text", async () => {
    expect(await interpolate("open {{ trigger", scope)).toBe("open {{ trigger");
  });

  it("names the path and placeholder when an expression fails", async () => {
    const value = { with: { list: ["{{ 'a' + 1 }}"] } };
    const error = await rejection(() => interpolate(value, {}, { basePath: "steps[0]" }));
    expect(error.message).toBe(
      `steps[0].with.list[0] "{{ 'a' + 1 }}": cannot evaluate expression at position 6: ` +
        'The left side of the "+" operator must evaluate to a number',
    );
    expect(error.code).toBe("T2001");
  });
});

describe("evaluateExpression", () => {
  it("returns plain arrays without JSONata's sequence flag", async () => {
    const result = await evaluateExpression("trigger.items.id", scope);
    expect(result).toStrictEqual([1, 2]);
    expect(Object.keys(result as object)).toEqual(["0", "1"]);
  });

  it("returns copies, not references into the scope", async () => {
    const result = await evaluateExpression("trigger.body", scope);
    expect(result).toEqual(scope.trigger.body);
    expect(result).not.toBe(scope.trigger.body);
  });

  it("drops function values as JSON would", async () => {
    expect(await evaluateExpression("function($x) { $x }", scope)).toBeUndefined();
    expect(await evaluateExpression("$uppercase", scope)).toBeUndefined();
    const mixed = await evaluateExpression("{ 'f': function($x) { $x }, 'a': [1, $sum] }", scope);
    expect(mixed).toEqual({ a: [1, null] });
  });

  it("turns a type error into an ExpressionError with JSONata's code and message", async () => {
    const error = await rejection(() => evaluateExpression("1 + 'a'", scope));
    expect(error.message).toBe(
      'cannot evaluate expression at position 3: The right side of the "+" operator must ' +
        "evaluate to a number",
    );
    expect(error.code).toBe("T2002");
    expect(error.position).toBe(3);
    expect(error.token).toBe("+");
  });

  it("stops runaway recursion at the depth limit", async () => {
    const runaway = "($f := function($x) { 1 + $f($x) }; $f(1))";
    const error = await rejection(() => evaluateExpression(runaway, scope));
    expect(error.message).toBe("expression exceeded its depth limit of 200");
    expect(error.code).toBe("D1011");

    const small = await rejection(() => evaluateExpression(runaway, scope, { maxDepth: 50 }));
    expect(small.message).toBe("expression exceeded its depth limit of 50");
  });

  it("refuses $eval, which would run an expression never checked at save time", async () => {
    const nested = "$eval('($f := function($x) { 1 + $f($x) }; $f(1))')";
    const error = await rejection(() => evaluateExpression(nested, scope));
    expect(error.message).toBe(
      "cannot evaluate expression at position 6: $eval is not available: expressions come only from saved workflows",
    );
  });

  it("stops a long loop at the time limit", async () => {
    const started = Date.now();
    const loop = "$count([1..1000000].($ * 2))";
    const error = await rejection(() => evaluateExpression(loop, scope, { timeoutMs: 50 }));
    expect(error.message).toBe("expression exceeded its time limit of 50ms");
    expect(error.code).toBe("D1012");
    expect(Date.now() - started).toBeLessThan(500);
  });

  it("stops endless tail recursion, which JSONata runs as a loop, at the time limit", async () => {
    const endless = "($f := function($x) { $f($x) }; $f(1))";
    const error = await rejection(() => evaluateExpression(endless, scope, { timeoutMs: 50 }));
    expect(error.message).toBe("expression exceeded its time limit of 50ms");
  });

  it("keeps depth counters apart for concurrent evaluations of one expression", async () => {
    // Each evaluation alone nests to about 185 of the 200 allowed; shared counters would trip.
    const sum = "($f := function($n) { $n <= 1 ? 1 : $n + $f($n - 1) }; $f(trigger.n))";
    const results = await Promise.all([
      evaluateExpression(sum, { trigger: { n: 60 } }),
      evaluateExpression(sum, { trigger: { n: 59 } }),
      evaluateExpression(sum, { trigger: { n: 58 } }),
    ]);
    expect(results).toEqual([1830, 1770, 1711]);
  });

  it("rejects limits that would switch the guardrails off", async () => {
    await expect(evaluateExpression("1", scope, { timeoutMs: 0 })).rejects.toThrow(
      "timeoutMs must be a positive number of milliseconds, got 0",
    );
    await expect(evaluateExpression("1", scope, { maxDepth: 1.5 })).rejects.toThrow(
      "maxDepth must be a positive integer, got 1.5",
    );
  });
});

describe("compileExpression", () => {
  it("returns the same compiled object for the same source and limits", () => {
    const first = compileExpression("trigger.count + 1");
    expect(compileExpression("trigger.count + 1")).toBe(first);
    expect(compileExpression("trigger.count + 1", { timeoutMs: 250, maxDepth: 200 })).toBe(first);
    expect(compileExpression("trigger.count + 1", { timeoutMs: 50 })).not.toBe(first);
  });

  it("throws a parse error with its position", async () => {
    const error = await rejection(() => compileExpression("$foo("));
    expect(error.message).toBe(
      'cannot parse expression at position 5: Expected ")" before end of expression',
    );
    expect(error.code).toBe("S0203");
    expect(error.position).toBe(5);
  });
});

describe("checkExpression", () => {
  it("returns the parse fault or undefined", () => {
    expect(checkExpression("steps.classify.output.bug")).toBeUndefined();
    expect(checkExpression("1 +")).toBe(
      "cannot parse expression at position 3: Unexpected end of expression",
    );
  });
});

describe("findExpressionIssues", () => {
  it("reports each unparsable or unclosed placeholder with its path", () => {
    const value = {
      headers: { Authorization: "Bearer {{ $foo( }}" },
      list: ["fine {{ trigger.name }}", "{{ }}"],
      note: "open {{ trigger",
      expression: "{{ not( }}",
    };
    const issues = findExpressionIssues(value, "steps[1].with", { skipKeys: ["expression"] });
    expect(issues).toEqual([
      {
        path: "steps[1].with.headers.Authorization",
        message:
          'cannot parse expression "{{ $foo( }}" at position 7: ' +
          'Expected ")" before end of expression',
      },
      {
        path: "steps[1].with.list[1]",
        message: 'cannot parse expression "{{ }}" at position 1: Unexpected end of expression',
      },
      { path: "steps[1].with.note", message: '"{{" at character 5 is not closed by "}}"' },
    ]);
  });

  it("finds nothing in values without placeholders", () => {
    expect(findExpressionIssues({ a: ["x", 1, null, { b: "y }} {" }] }, "with")).toEqual([]);
  });
});
