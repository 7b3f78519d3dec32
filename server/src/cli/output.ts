/** What the CLI prints: results on stdout, faults on stderr, each a whole line. */

export function print(line = ""): void {
  process.stdout.write(`${line}\n`);
}

export function printError(line: string): void {
  process.stderr.write(`weft: ${line}\n`);
}

/** A fault in how the command was called: exit code 2, as for any CLI. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
