import { describe, expect, it } from "vitest";
import { createCoreStepRegistry } from "../../../../server/src/engine/steps/index.ts";
import { readDefinition } from "../../../../server/src/engine/workflow-service.ts";
import { STARTER_DEFINITION } from "./starter-definition.ts";

describe("the starter definition", () => {
  it("passes the server's own validation: a manual trigger, a transform and a log step", () => {
    const { definition } = readDefinition(
      { text: STARTER_DEFINITION, format: "yaml" },
      createCoreStepRegistry(),
    );
    expect(definition.triggers.map((t) => t.type)).toEqual(["manual"]);
    expect(definition.steps.map((s) => s.type)).toEqual(["transform", "log"]);
  });

  it("explains itself in comments and points to the docs", () => {
    expect(STARTER_DEFINITION).toMatch(/^# /);
    expect(STARTER_DEFINITION).toContain("docs/workflows.md");
    expect(STARTER_DEFINITION).toContain("/api/docs");
  });
});
