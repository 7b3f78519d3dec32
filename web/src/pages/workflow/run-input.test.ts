import { describe, expect, it } from "vitest";
import { parseRunInput } from "./run-input.ts";

describe("parseRunInput", () => {
  it("reads any one JSON value", () => {
    expect(parseRunInput('{"n": 2}')).toEqual({ ok: true, input: { n: 2 } });
    expect(parseRunInput(" [1, 2] ")).toEqual({ ok: true, input: [1, 2] });
    expect(parseRunInput('"text"')).toEqual({ ok: true, input: "text" });
  });

  it("takes a blank field as no input", () => {
    expect(parseRunInput("  \n")).toEqual({ ok: true, input: null });
  });

  it("says what the parser said about text that is not JSON", () => {
    const result = parseRunInput("{n: 2}");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    let expected = "";
    try {
      JSON.parse("{n: 2}");
    } catch (error) {
      expected = (error as Error).message;
    }
    expect(result.message).toBe(expected);
    expect(result.message).not.toBe("");
  });
});
