import { describe, expect, it } from "vitest";
import { locateIssues, parsePath, positionOf } from "../../src/engine/issue-positions.ts";

/** locateIssues: from an issue's path to the line and column of its node in the text. */

/** Line n of the text is row n of this list. */
const text = [
  "name: demo",
  "defaults: &base { message: hi }",
  "steps:",
  "  - id: a",
  "    type: log",
  "    with: *base",
  "  - { id: b, type: log, with: { message: 7 } }",
  "",
].join("\n");

const at = (path: string, message = "bad") => locateIssues(text, [{ path, message }])[0];

describe("parsePath", () => {
  it("splits keys and indexes", () => {
    expect(parsePath("steps[1].with.url")).toEqual(["steps", 1, "with", "url"]);
    expect(parsePath("triggers[0].verify.secret")).toEqual(["triggers", 0, "verify", "secret"]);
    expect(parsePath("")).toEqual([]);
  });
});

describe("locateIssues", () => {
  it("places a scalar with its end, inside a flow mapping too", () => {
    expect(at("steps[1].with.message")).toMatchObject({ line: 7, column: 42, endColumn: 43 });
    expect(at("steps[0].type")).toMatchObject({ line: 5, column: 11, endLine: 5, endColumn: 14 });
  });

  it("follows an alias to the node it names", () => {
    expect(at("steps[0].with.message")).toMatchObject({ line: 2, column: 28 });
  });

  it("stops at the parent of a key or index that is not there", () => {
    expect(at("steps[0].needs")).toMatchObject({ line: 4, column: 5 });
    expect(at("steps[5].id")).toMatchObject({ line: 4, column: 3 });
    expect(at("steps[0].needs")).not.toHaveProperty("endLine");
  });

  it("places the root at the start of the document", () => {
    expect(at("")).toMatchObject({ line: 1, column: 1 });
  });

  it("points an unknown key at the key, not its value", () => {
    expect(at("defaults", 'Unrecognized key: "defaults"')).toMatchObject({
      line: 2,
      column: 1,
      endColumn: 9,
    });
  });

  it("keeps an issue that already has a line as it is", () => {
    const issue = { path: "line 3, column 1", message: "syntax", line: 3, column: 1 };
    expect(locateIssues(text, [issue])).toEqual([issue]);
  });
});

describe("positionOf", () => {
  it("turns an offset into a 1-based line and column", () => {
    expect(positionOf("ab\ncd", 0)).toEqual({ line: 1, column: 1 });
    expect(positionOf("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
  });
});
