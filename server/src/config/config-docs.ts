import { settingDocs } from "./config.ts";

/**
 * The documents generated from the configuration schema. A unit test fails when a checked-in
 * copy differs, so the docs cannot drift from what `loadConfig` accepts.
 */
export const GENERATED_FILES = {
  "docs/configuration.md": renderConfigurationDoc,
  ".env.example": () => renderEnvFile("development"),
  "deploy/.env.production.example": () => renderEnvFile("production"),
} as const;

const GENERATED_NOTE = "Generated from server/src/config/config.ts by `npm run config:docs`.";

function renderConfigurationDoc(): string {
  const lines = [
    "# Configuration",
    "",
    `<!-- ${GENERATED_NOTE} -->`,
    "",
    "Weft reads its settings only from environment variables, or from a `.env` file in the",
    "folder it starts in (variables already set win). A bad value stops the start with one line",
    "per fault that names the variable and the expected form, and exit code 78. A `WEFT_`",
    "variable Weft does not know (a typo such as `WEFT_PORTT`) is named in a warning at start.",
    "",
    "Durations are a number with a unit: `500ms`, `30s`, `5m`, `2h`, `7d`. Rates are a count per",
    "window: `10/1m`. Lists are comma-separated. Start from `.env.example` (development) or",
    "`deploy/.env.production.example`.",
    "",
    "`WEFT_ENV=production` (or `NODE_ENV=production`) switches development conveniences off: logs",
    "are JSON only, session cookies are always `Secure`, `WEFT_CORS_ORIGINS=*` is refused, and",
    "Weft refuses to start without `WEFT_SECRET_KEY`.",
  ];
  let group = "";
  for (const { name, doc, fallback } of settingDocs()) {
    if (doc.group !== group) {
      group = doc.group;
      lines.push("", `## ${group}`, "", "| variable | default | meaning |", "| --- | --- | --- |");
    }
    const shown = doc.defaultText ?? (fallback ? `\`${fallback}\`` : "");
    lines.push(`| \`${name}\` | ${shown} | ${doc.description.replaceAll("|", "\\|")} |`);
  }
  return `${lines.join("\n")}\n`;
}

function renderEnvFile(mode: "development" | "production"): string {
  const lines = [
    `# Weft settings for ${mode}. ${GENERATED_NOTE}`,
    "# Every variable is listed; a commented-out line shows its default. See docs/configuration.md.",
  ];
  let group = "";
  for (const { name, doc, fallback } of settingDocs()) {
    if (doc.group !== group) {
      group = doc.group;
      lines.push("", `# --- ${group} ---`);
    }
    lines.push(...wrap(doc.description.replaceAll("`", ""), 96).map((line) => `# ${line}`));
    const value = mode === "production" ? (doc.production ?? doc.example) : doc.example;
    // Quoted when it holds spaces: shells, systemd and compose all read `NAME="a b"` alike.
    const written = /\s/.test(value ?? "") ? `"${value}"` : value;
    if (value !== undefined && value !== "" && value !== fallback) lines.push(`${name}=${written}`);
    else lines.push(`# ${name}=${fallback ?? ""}`);
  }
  return `${lines.join("\n")}\n`;
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}
