import { describe, expect, it } from "vitest";
import { validateDefinition } from "../../src/engine/validate.ts";
import { issuesOf, log, registry, workflow } from "../helpers/definitions.ts";

/** validateDefinition: the step graph, step types and expressions, each fault at its path. */

describe("a valid definition", () => {
  it("comes back with its defaults filled in", () => {
    const definition = validateDefinition(
      workflow([log("a"), log("b", { needs: ["a"] })], {
        triggers: [{ type: "schedule", cron: "0 9 * * 1-5" }],
      }),
      registry,
    );
    expect(definition.description).toBe("");
    expect(definition.tags).toEqual([]);
    expect(definition.steps[0]!.needs).toEqual([]);
    expect(definition.triggers).toEqual([
      {
        type: "schedule",
        cron: "0 9 * * 1-5",
        timezone: "UTC",
        catchUp: "latest",
        catchUpLimit: 10,
      },
    ]);
  });
});

describe("the step graph", () => {
  it("refuses a duplicate step id at the second use", () => {
    expect(issuesOf(workflow([log("a"), log("b"), log("a")]))).toEqual([
      { path: "steps[2].id", message: '"a" is already used by steps[0]' },
    ]);
  });

  it("refuses a need that names no step", () => {
    expect(issuesOf(workflow([log("a"), log("b", { needs: ["a", "fetch"] })]))).toEqual([
      { path: "steps[1].needs[1]", message: 'references unknown step "fetch"' },
    ]);
  });

  it("refuses a step that needs itself", () => {
    expect(issuesOf(workflow([log("a", { needs: ["a"] })]))).toEqual([
      { path: "steps[0].needs[0]", message: 'step "a" cannot need itself' },
    ]);
  });

  it("refuses a cycle a → b → c → a and names it", () => {
    const steps = [
      log("a", { needs: ["c"] }),
      log("b", { needs: ["a"] }),
      log("c", { needs: ["b"] }),
      log("d"),
    ];
    expect(issuesOf(workflow(steps))).toEqual([
      { path: "steps[0].needs", message: "steps form a cycle: a → b → c → a" },
    ]);
  });

  it("reports every fault of the graph at once", () => {
    const steps = [log("a"), log("a", { needs: ["nope"] })];
    expect(issuesOf(workflow(steps))).toEqual([
      { path: "steps[1].id", message: '"a" is already used by steps[0]' },
      { path: "steps[1].needs[0]", message: 'references unknown step "nope"' },
    ]);
  });

  it("refuses a definition without steps, or with none", () => {
    expect(issuesOf({ name: "wf" })).toEqual([
      { path: "steps", message: "Invalid input: expected array, received undefined" },
    ]);
    expect(issuesOf(workflow([]))).toEqual([
      { path: "steps", message: "a workflow needs at least one step" },
    ]);
  });

  it("refuses a step id that is not an identifier", () => {
    expect(issuesOf(workflow([log("1st")]))).toEqual([
      {
        path: "steps[0].id",
        message: "must start with a letter or _ and hold only letters, digits, _ and -",
      },
    ]);
  });
});

describe("step types and their with", () => {
  it("refuses an unknown step type and lists the known ones", () => {
    expect(issuesOf(workflow([{ id: "a", type: "shell", with: { run: "ls" } }]))).toEqual([
      {
        path: "steps[0].type",
        message: '"shell" is not a step type: use one of delay, http, log, transform',
      },
    ]);
  });

  it("refuses an unknown key in an http step's with, at that key", () => {
    const step = { id: "a", type: "http", with: { url: "https://example.com", verb: "GET" } };
    expect(issuesOf(workflow([step]))).toEqual([
      { path: "steps[0].with.verb", message: 'Unrecognized key: "verb"' },
    ]);
  });

  it.each(["ftp://example.com/file", "/relative/path", "not a url"])(
    "refuses the http url %j",
    (url) => {
      expect(issuesOf(workflow([{ id: "a", type: "http", with: { url } }]))).toEqual([
        { path: "steps[0].with.url", message: "must be an absolute http or https URL" },
      ]);
    },
  );

  it("refuses an http step without a url", () => {
    expect(issuesOf(workflow([{ id: "a", type: "http", with: {} }]))).toEqual([
      { path: "steps[0].with.url", message: "Invalid input: expected string, received undefined" },
    ]);
  });

  it("refuses a delay whose duration is not one, or is over 366d", () => {
    for (const duration of ["10x", "400d"]) {
      expect(issuesOf(workflow([{ id: "a", type: "delay", with: { duration } }]))).toEqual([
        {
          path: "steps[0].with.duration",
          message: "must be a duration up to 366d, like 10s or 2h",
        },
      ]);
    }
  });

  it("accepts a delay whose duration is a placeholder, to check once interpolated", () => {
    const step = { id: "a", type: "delay", with: { duration: "{{ trigger.input.wait }}" } };
    expect(() => validateDefinition(workflow([step]), registry)).not.toThrow();
  });

  it("refuses an unknown key at the top level, at that key", () => {
    expect(issuesOf(workflow([log("a")], { owner: "me" }))).toEqual([
      { path: "owner", message: 'Unrecognized key: "owner"' },
    ]);
  });
});

describe("expressions", () => {
  it("refuses an unparsable {{ }} in a with string", () => {
    const step = { id: "a", type: "log", with: { message: "n is {{ trigger.( }}" } };
    expect(issuesOf(workflow([step]))).toEqual([
      {
        path: "steps[0].with.message",
        message:
          'cannot parse expression "{{ trigger.( }}" at position 11: ' +
          'Expected ")" before end of expression',
      },
    ]);
  });

  it("refuses a {{ that is never closed", () => {
    const step = { id: "a", type: "log", with: { message: "hi {{ trigger" } };
    expect(issuesOf(workflow([step]))).toEqual([
      { path: "steps[0].with.message", message: '"{{" at character 3 is not closed by "}}"' },
    ]);
  });

  it("refuses an unparsable transform expression", () => {
    const step = { id: "a", type: "transform", with: { expression: "1 +" } };
    expect(issuesOf(workflow([step]))).toEqual([
      {
        path: "steps[0].with.expression",
        message: "cannot parse expression at position 3: Unexpected end of expression",
      },
    ]);
  });

  it("refuses an unparsable if, bare or in braces", () => {
    expect(issuesOf(workflow([log("a", { if: "steps.a.output = " })]))).toEqual([
      {
        path: "steps[0].if",
        message: "cannot parse expression at position 17: Unexpected end of expression",
      },
    ]);
    expect(issuesOf(workflow([log("a", { if: "{{ $f( }}" })]))).toEqual([
      {
        path: "steps[0].if",
        message: 'cannot parse expression at position 3: Expected ")" before end of expression',
      },
    ]);
  });
});
