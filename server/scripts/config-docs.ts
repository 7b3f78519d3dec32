// Writes the documents generated from the configuration schema (`npm run config:docs`).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { GENERATED_FILES } from "../src/config/config-docs.ts";

const root = join(import.meta.dirname, "..", "..");
for (const [path, render] of Object.entries(GENERATED_FILES)) {
  writeFileSync(join(root, path), render());
  process.stdout.write(`wrote ${path}\n`);
}
