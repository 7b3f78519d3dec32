import { afterEach, describe, expect, it } from "vitest";
import { StepFailure } from "../../src/errors.ts";
import { ExpressionPool } from "../../src/engine/expression-pool.ts";
import { ExpressionError, isBoundedSource } from "../../src/engine/expressions.ts";

const RANGE_BOMB = `$count([${Array(80).fill("[1..10000000]").join(",")}])`;

let pool: ExpressionPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

async function failureOf(work: Promise<unknown>): Promise<unknown> {
  return work.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe("ExpressionPool", () => {
  it("evaluates expressions and templates on a worker", async () => {
    pool = new ExpressionPool({ size: 1 });
    expect(await pool.evaluate("$sum([a, 1])", { a: 41 })).toBe(42);
    const value = { m: "hi {{ $uppercase(name) }}", expression: "{{ not touched }}" };
    expect(await pool.interpolate(value, { name: "Ada" }, { skipKeys: ["expression"] })).toEqual({
      m: "hi ADA",
      expression: "{{ not touched }}",
    });
    expect(pool.workerCount).toBe(1);
  });

  it("hands back expression errors as ExpressionError, with JSONata's fields", async () => {
    pool = new ExpressionPool({ size: 1 });
    const error = await failureOf(pool.evaluate("$number('x') + ", {}));
    expect(error).toBeInstanceOf(ExpressionError);
    expect((error as ExpressionError).message).toMatch(/^cannot parse expression/);
  });

  it("terminates a worker past the time limit, replaces it, and the next evaluation works", async () => {
    pool = new ExpressionPool({ size: 1, timeoutMs: 200 });
    expect(await pool.evaluate("$string(1)", {})).toBe("1");
    // One $string call over ten million numbers: JSONata's own limit cannot interrupt it.
    const error = await failureOf(pool.evaluate("$string([1..10000000])", {}));
    expect(error).toBeInstanceOf(StepFailure);
    expect(error).toMatchObject({
      kind: "expression-limit",
      message: "the expression ran longer than 200ms",
      retryable: false,
    });
    expect(await pool.evaluate("$sum([2, 40])", {})).toBe(42);
    expect(pool.workerCount).toBe(1);
  });

  it("fails an evaluation whose worker runs out of memory, and carries on", async () => {
    pool = new ExpressionPool({ size: 1, timeoutMs: 60_000, maxOldGenerationSizeMb: 64 });
    const error = await failureOf(pool.evaluate(RANGE_BOMB, {}));
    expect(error).toMatchObject({
      kind: "expression-limit",
      message: "the expression used more than 64 MB",
      retryable: false,
    });
    expect(await pool.evaluate("$lowercase('STILL HERE')", {})).toBe("still here");
  });

  it("queues work past its size and fails what is left when closed", async () => {
    pool = new ExpressionPool({ size: 1, timeoutMs: 60_000 });
    const results = await Promise.all([1, 2, 3].map((n) => pool!.evaluate("$sum([n, n])", { n })));
    expect(results).toEqual([2, 4, 6]);

    const slow = failureOf(pool.evaluate("$string([1..10000000])", {}));
    const queued = failureOf(pool.evaluate("$string(1)", {}));
    await pool.close();
    expect(await slow).toMatchObject({ kind: "shutdown" });
    expect(await queued).toMatchObject({ kind: "shutdown" });
    expect(pool.workerCount).toBe(0);
    expect(await failureOf(pool.evaluate("$string(1)", {}))).toMatchObject({ kind: "shutdown" });
  });

  it("evaluates expressions that only read their input here, without a worker", async () => {
    pool = new ExpressionPool({ size: 1 });
    expect(await pool.evaluate("a.b + 1", { a: { b: 1 } })).toBe(2);
    const value = { m: "{{ $exists(x) ? x : 'none' }}" };
    expect(await pool.interpolate(value, {})).toEqual({ m: "none" });
    expect(pool.workerCount).toBe(0);
  });
});

describe("isBoundedSource", () => {
  const bounded = [
    "trigger.body.n",
    "steps.parse.output * 2",
    "{ 'result': steps.double.output, 'list': [a, b[0], c[x > 1]] }",
    "a ?? b",
    "x = 'y' and $count(items) > 2 ? 'many' : 'few'",
    "(a; -b)",
  ];
  const unbounded = [
    RANGE_BOMB,
    "[1..10]",
    "$string(a)",
    "$pad('', 10, 'a')",
    "a & b",
    "($x := a; $x)",
    "function($v) { $v }",
    "a^(b)",
    "a.*",
    "a ~> $sum",
    "a@$x",
    "a#$i.b",
    "not parsing (",
  ];
  it.each(bounded)("runs %s here", (source) => expect(isBoundedSource(source)).toBe(true));
  it.each(unbounded)("sends %s to a worker", (source) =>
    expect(isBoundedSource(source)).toBe(false),
  );
});
