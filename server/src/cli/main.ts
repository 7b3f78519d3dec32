import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config/config.ts";
import { WeftError } from "../errors.ts";
import { print, printError, UsageError } from "./output.ts";

const HELP = `weft: durable workflow automation

Usage:
  weft serve                               API, scheduler and workers in one process
  weft migrate                             apply pending store migrations
  weft user create --email E --password P --role admin|editor|viewer
  weft user list
  weft user disable --email E
  weft token create --email E [--name N] [--expires-days D]   prints only the token
  weft workflow apply -f FILE              create or version a workflow from YAML or JSON
  weft run NAME [--input JSON] [--wait] [--timeout 60s]
  weft secret set NAME [--description D] [--value-file PATH]   the value comes from stdin
  weft secret list                         names and descriptions, never values
  weft secret delete NAME
  weft secret rotate-key                   re-encrypt every secret under WEFT_SECRET_KEY
  weft backup --to FILE [--force]          a checked copy of the store, also while it serves
  weft restore --from FILE                 put a backup in place (the server must be stopped)
  weft prune [--older-than 30d]            delete old ended runs now (default: WEFT_RUN_RETENTION)

Settings come from WEFT_* environment variables or a .env file (see docs/configuration.md).`;

const OPTIONS = {
  email: { type: "string" },
  password: { type: "string" },
  role: { type: "string" },
  name: { type: "string" },
  "expires-days": { type: "string" },
  file: { type: "string", short: "f" },
  input: { type: "string" },
  wait: { type: "boolean" },
  timeout: { type: "string" },
  description: { type: "string" },
  "value-file": { type: "string" },
  to: { type: "string" },
  from: { type: "string" },
  force: { type: "boolean" },
  "older-than": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export type CliValues = ReturnType<typeof parse>["values"];

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  const [command, sub, ...rest] = positionals;
  if (!command || values.help || command === "help") {
    print(HELP);
    return command || values.help ? 0 : 2;
  }
  const config = loadConfig();
  // Each command loads only what it needs: `weft token create` does not load the HTTP server.
  switch (command) {
    case "serve":
      return (await import("./commands/serve.ts")).runServe(config);
    case "migrate":
      return (await import("./commands/store-commands.ts")).runMigrate(config);
    case "user":
      return (await import("./commands/store-commands.ts")).runUser(config, sub, values);
    case "token":
      return (await import("./commands/store-commands.ts")).runToken(config, sub, values);
    case "workflow":
      return (await import("./commands/store-commands.ts")).runWorkflow(config, sub, values);
    case "run":
      if (!sub || rest.length > 0)
        throw new UsageError("usage: weft run NAME [--input JSON] [--wait]");
      return (await import("./commands/run.ts")).runRun(config, sub, values);
    case "secret":
      return (await import("./commands/secret-commands.ts")).runSecret(config, sub, rest, values);
    case "backup":
      return (await import("./commands/backup-commands.ts")).runBackup(config, values);
    case "restore":
      return (await import("./commands/backup-commands.ts")).runRestore(config, values);
    case "prune":
      return (await import("./commands/backup-commands.ts")).runPrune(config, values);
    default:
      throw new UsageError(`unknown command "${command}": run weft --help`);
  }
}

// A reader that stops early (`weft user list | head -1`) is no fault of the command's.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      printError(error.message);
      process.exitCode = 2;
    } else if (error instanceof ConfigError) {
      printError(error.message);
      process.exitCode = 78;
    } else if (error instanceof WeftError) {
      printError(error.message);
      // The message already names the first issue; list them all only when there are more.
      if (error.issues.length > 1) {
        for (const issue of error.issues) printError(`  ${issue.path}: ${issue.message}`);
      }
      process.exitCode = 1;
    } else {
      printError(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    }
  },
);
