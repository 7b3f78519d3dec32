import { describe, expect, it } from "vitest";
import { parseDefinitionSource } from "../../src/engine/validate.ts";
import { ValidationError } from "../../src/errors.ts";
import { issuesOf, log, workflow } from "../helpers/definitions.ts";

/** validateDefinition: triggers, durations and names; parseDefinitionSource's syntax errors. */

describe("triggers", () => {
  const schedule = (fields: Record<string, unknown>) =>
    workflow([log("a")], { triggers: [{ type: "schedule", ...fields }] });

  it("refuses a cron with 4 fields", () => {
    expect(issuesOf(schedule({ cron: "0 9 * *" }))).toEqual([
      {
        path: "triggers[0].cron",
        message:
          '"0 9 * *" has 4 fields: a cron needs 5 fields ' +
          "(minute hour day-of-month month day-of-week), or 6 with seconds first",
      },
    ]);
  });

  it("refuses a cron field out of range, and one that never fires", () => {
    expect(issuesOf(schedule({ cron: "61 9 * * *" }))).toEqual([
      {
        path: "triggers[0].cron",
        message: '"61 9 * * *" is not a valid cron: minute 61 is out of range 0-59',
      },
    ]);
    expect(issuesOf(schedule({ cron: "0 0 31 2 *" }))).toEqual([
      { path: "triggers[0].cron", message: '"0 0 31 2 *" never fires: no date matches it' },
    ]);
  });

  it("refuses an unknown time zone and a bare UTC offset", () => {
    expect(issuesOf(schedule({ cron: "0 9 * * *", timezone: "Mars/Olympus" }))).toEqual([
      { path: "triggers[0].timezone", message: '"Mars/Olympus" is not a known IANA time zone' },
    ]);
    expect(issuesOf(schedule({ cron: "0 9 * * *", timezone: "+01:00" }))).toEqual([
      {
        path: "triggers[0].timezone",
        message: '"+01:00" is not a known IANA time zone: use a zone name such as Europe/Berlin',
      },
    ]);
  });

  it("refuses two triggers with the same id, and a respond step that does not exist", () => {
    const triggers = [
      { type: "webhook", respond: { wait: true, step: "nope" } },
      { type: "webhook", id: "webhook" },
    ];
    expect(issuesOf(workflow([log("a")], { triggers }))).toEqual([
      { path: "triggers[0].respond.step", message: 'references unknown step "nope"' },
      { path: "triggers[1].id", message: '"webhook" is already used by triggers[0]' },
    ]);
  });
});

describe("durations and names", () => {
  it("refuses a duration with an unknown unit", () => {
    expect(issuesOf(workflow([log("a", { timeout: "10x" })]))).toEqual([
      {
        path: "steps[0].timeout",
        message: '"10x" is not a duration: use a number with ms, s, m, h or d, like 10s',
      },
    ]);
  });

  it("refuses durations out of range and names the range", () => {
    for (const timeout of ["25h", 0]) {
      expect(issuesOf(workflow([log("a", { timeout })]))).toEqual([
        { path: "steps[0].timeout", message: "timeout must be between 1ms and 1d" },
      ]);
    }
    expect(issuesOf(workflow([log("a")], { timeout: "31d" }))).toEqual([
      { path: "timeout", message: "timeout must be between 1ms and 30d" },
    ]);
    const retry = { attempts: 3, maxDelay: "2d" };
    expect(issuesOf(workflow([log("a", { retry })]))).toEqual([
      { path: "steps[0].retry.maxDelay", message: "maxDelay must be between 0ms and 1d" },
    ]);
  });

  it.each(["Bad Name", "UPPER", "", "-leading-dash"])("refuses the name %j", (name) => {
    expect(issuesOf({ name, steps: [log("a")] })).toEqual([
      { path: "name", message: "must be 1-100 lowercase letters, digits, ., _ or -" },
    ]);
  });
});

describe("parseDefinitionSource", () => {
  const sourceIssues = (text: string, format: "yaml" | "json") => {
    try {
      parseDefinitionSource(text, format);
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).issues;
    }
    throw new Error("the source was accepted");
  };

  it("names the line and column of a YAML syntax error", () => {
    expect(sourceIssues("name: a\nname: b\n", "yaml")).toEqual([
      { path: "line 2, column 1", message: "Map keys must be unique", line: 2, column: 1 },
    ]);
  });

  it("says which language failed to parse", () => {
    expect(sourceIssues("{", "json")[0]!.message).toMatch(/^invalid JSON: /);
    const bomb = ["a: &a [x, x, x, x]", "b: &b [*a, *a, *a, *a]", "c: &c [*b, *b, *b, *b]"];
    bomb.push("d: &d [*c, *c, *c, *c]", "e: [*d, *d, *d, *d]");
    expect(sourceIssues(bomb.join("\n"), "yaml")).toEqual([
      {
        path: "",
        message: "invalid YAML: Excessive alias count indicates a resource exhaustion attack",
      },
    ]);
  });
});
