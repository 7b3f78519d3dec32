import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GENERATED_FILES } from "../../src/config/config-docs.ts";
import { settingDocs } from "../../src/config/config.ts";

const root = join(import.meta.dirname, "..", "..", "..");

describe("documents generated from the configuration schema", () => {
  for (const [path, render] of Object.entries(GENERATED_FILES)) {
    it(`${path} is up to date (run npm run config:docs)`, () => {
      expect(readFileSync(join(root, path), "utf8")).toBe(render());
    });
  }

  it("documents every variable in each of them", () => {
    const names = settingDocs().map((s) => s.name);
    expect(names.length).toBeGreaterThan(30);
    for (const render of Object.values(GENERATED_FILES)) {
      const text = render();
      for (const name of names) expect(text).toContain(name);
    }
  });
});
