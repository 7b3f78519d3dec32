import { describe, expect, it } from "vitest";
import { holdsMoreEntriesThan } from "../../src/engine/nesting.ts";

describe("holdsMoreEntriesThan", () => {
  it("counts object keys and array items at every level", () => {
    const value = { a: [1, 2, { b: null }], c: "x" };
    // a, c, three items, b: six entries.
    expect(holdsMoreEntriesThan(value, 6)).toBe(false);
    expect(holdsMoreEntriesThan(value, 5)).toBe(true);
  });

  it("counts nothing in scalars and byte buffers", () => {
    for (const value of [null, 1, "text", true, Buffer.alloc(1000)]) {
      expect(holdsMoreEntriesThan(value, 0)).toBe(false);
    }
  });

  it("ends on a cyclic value, as YAML aliases can make", () => {
    const loop: Record<string, unknown> = { name: "loop" };
    loop.self = loop;
    expect(holdsMoreEntriesThan(loop, 1000)).toBe(true);
  });
});
