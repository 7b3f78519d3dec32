import { expect } from "vitest";
import type { Database } from "../../src/store/schema.ts";
import type { TestServer } from "./test-server.ts";

/** An RFC 9457 problem document as Weft answers it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  issues?: { path: string; message: string }[];
}

/**
 * Asserts that `response` is a problem+json answer with `status` and the problem type of
 * `code`, carrying no stack trace, and returns the document.
 */
export async function expectProblem(
  response: Response,
  status: number,
  code: string,
): Promise<Problem> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expectNoStack(text);
  const problem = JSON.parse(text) as Problem;
  expect(problem.type).toBe(`urn:weft:problem:${code}`);
  expect(problem.status).toBe(status);
  return problem;
}

/** Fails when a body looks like it carries a stack trace or a source path. */
export function expectNoStack(text: string): void {
  expect(text).not.toMatch(/\n\s+at |\bat .+\.(ts|js):\d+|node:internal|\/src\//);
}

const TABLES: (keyof Database)[] = [
  "workflows",
  "workflow_versions",
  "webhooks",
  "schedules",
  "runs",
  "step_runs",
  "attempts",
  "events",
  "users",
  "sessions",
  "api_tokens",
];

/** How many rows each table of the server's store holds, to compare before and after. */
export async function countRows(server: TestServer): Promise<Record<keyof Database, number>> {
  const counts = {} as Record<keyof Database, number>;
  for (const table of TABLES) {
    const row = await server.weft.store.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}
