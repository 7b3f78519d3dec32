import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "../helpers/problem.ts";
import {
  applyYaml,
  startRun,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

/** Run and workflow lists: cursor paging that holds still, and each filter. */

let server: TestServer;
let listerId: string;
const listerRuns: string[] = [];
const failerRuns: string[] = [];
let hookRun: string;

interface RunItem {
  id: string;
  workflowId: string;
  workflowName: string;
  status: string;
  triggerType: string;
  createdAt: string;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const getPage = async <T = RunItem>(path: string) => {
  const response = await server.api(path);
  expect(response.status).toBe(200);
  return (await response.json()) as Page<T>;
};
const ids = (page: Page<RunItem>) => page.items.map((r) => r.id);
const all = async (query = "") => ids(await getPage(`/api/v1/runs?limit=200${query}`));
const sorted = (values: string[]) => [...values].sort().reverse();

beforeAll(async () => {
  server = await startTestServer();
  listerId = (
    await applyYaml(
      server,
      "name: lister\ntags: [alpha]\nsteps:\n  - { id: a, type: transform, with: { expression: '1' } }\n",
    )
  ).id;
  await applyYaml(
    server,
    `name: failer\ntags: [beta]\nsteps:\n  - { id: a, type: transform, with: { expression: '$error("boom")' } }\n`,
  );
  const hooked = await applyYaml(
    server,
    "name: hooked\ntriggers: [{ type: webhook }]\nsteps:\n  - { id: a, type: log, with: { message: hi } }\n",
  );

  for (let i = 0; i < 25; i += 1) listerRuns.push(await startRun(server, "lister", { i }));
  for (let i = 0; i < 2; i += 1) failerRuns.push(await startRun(server, "failer"));
  const delivered = await fetch(hooked.triggers[0]!.url!, { method: "POST" });
  hookRun = ((await delivered.json()) as { runId: string }).runId;

  for (const id of [...listerRuns, ...failerRuns, hookRun]) await waitForRunEnd(server, id);
});
afterAll(() => server.close());

describe("cursor pagination", () => {
  it("pages through 25 runs 10 at a time, newest first, each once", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    const sizes: number[] = [];
    do {
      const query: string = cursor ? `&cursor=${cursor}` : "";
      const page: Page<RunItem> = await getPage(`/api/v1/runs?workflow=lister&limit=10${query}`);
      sizes.push(page.items.length);
      seen.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor);

    expect(sizes).toEqual([10, 10, 5]);
    expect(new Set(seen).size).toBe(25);
    expect(seen).toEqual([...listerRuns].reverse());
    expect(seen).toEqual(sorted(seen));
  });

  it("neither skips nor repeats a row when runs start between page fetches", async () => {
    const first = await getPage("/api/v1/runs?workflow=lister&limit=10");
    const before = [...listerRuns].reverse();
    const extra: string[] = [];

    extra.push(await startRun(server, "lister"), await startRun(server, "lister"));
    const second = await getPage(
      `/api/v1/runs?workflow=lister&limit=10&cursor=${first.nextCursor}`,
    );
    extra.push(await startRun(server, "lister"));
    const third = await getPage(
      `/api/v1/runs?workflow=lister&limit=10&cursor=${second.nextCursor}`,
    );

    expect([...ids(first), ...ids(second), ...ids(third)]).toEqual(before);
    expect(third.nextCursor).toBeNull();

    const fresh = await getPage("/api/v1/runs?workflow=lister&limit=3");
    expect(ids(fresh)).toEqual([...extra].reverse());
    for (const id of extra) await waitForRunEnd(server, id);
    listerRuns.push(...extra);
  });

  it("pages workflows by name", async () => {
    type Summary = { name: string };
    const first = await getPage<Summary>("/api/v1/workflows?limit=2");
    expect(first.items.map((w) => w.name)).toEqual(["failer", "hooked"]);
    expect(first.nextCursor).toBe("hooked");
    const second = await getPage<Summary>(`/api/v1/workflows?limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((w) => w.name)).toEqual(["lister"]);
    expect(second.nextCursor).toBeNull();
  });

  it("filters workflows by tag and by part of the name", async () => {
    type Summary = { name: string };
    const tagged = await getPage<Summary>("/api/v1/workflows?tag=beta");
    expect(tagged.items.map((w) => w.name)).toEqual(["failer"]);
    const named = await getPage<Summary>("/api/v1/workflows?q=ist");
    expect(named.items.map((w) => w.name)).toEqual(["lister"]);
  });
});

describe("run filters", () => {
  it("filters by status", async () => {
    expect(await all("&status=failed")).toEqual(sorted(failerRuns));
    expect(await all("&status=succeeded")).toEqual(sorted([...listerRuns, hookRun]));
    expect(await all("&status=failed,succeeded")).toEqual(
      sorted([...listerRuns, ...failerRuns, hookRun]),
    );
    expect(await all("&status=running")).toEqual([]);
  });

  it("filters by workflow id or name, to the same runs", async () => {
    expect(await all(`&workflow=${listerId}`)).toEqual(sorted(listerRuns));
    expect(await all("&workflow=lister")).toEqual(sorted(listerRuns));
    expect(await all("&workflow=failer")).toEqual(sorted(failerRuns));
  });

  it("filters by trigger type", async () => {
    expect(await all("&trigger=webhook")).toEqual([hookRun]);
    expect(await all("&trigger=manual")).toEqual(sorted([...listerRuns, ...failerRuns]));
    expect(await all("&trigger=schedule")).toEqual([]);
  });

  it("filters by tag", async () => {
    expect(await all("&tag=beta")).toEqual(sorted(failerRuns));
    expect(await all("&tag=alpha")).toEqual(sorted(listerRuns));
    expect(await all("&tag=gamma")).toEqual([]);
  });

  it("combines filters", async () => {
    expect(await all("&tag=alpha&status=failed")).toEqual([]);
    expect(await all("&workflow=failer&status=failed&trigger=manual")).toEqual(sorted(failerRuns));
  });

  it("filters by from (inclusive) and to (exclusive) on the creation time", async () => {
    const runs = (await getPage("/api/v1/runs?limit=200")).items;
    const times = [...new Set(runs.map((r) => r.createdAt))].sort();
    const low = times[Math.floor(times.length / 3)]!;
    const high = times[Math.floor((2 * times.length) / 3)]!;
    const where = (keep: (at: string) => boolean) =>
      runs.filter((r) => keep(r.createdAt)).map((r) => r.id);

    const from = await all(`&from=${low}`);
    expect(from).toEqual(where((at) => at >= low));
    expect(from.length).toBeLessThan(runs.length);

    const to = await all(`&to=${high}`);
    expect(to).toEqual(where((at) => at < high));
    expect(to.length).toBeGreaterThan(0);

    const between = await all(`&from=${low}&to=${high}`);
    expect(between).toEqual(where((at) => at >= low && at < high));
  });

  it("accepts from and to with an offset", async () => {
    const runs = (await getPage("/api/v1/runs?limit=200")).items;
    const earliest = runs.at(-1)!.createdAt;
    const shifted = new Date(Date.parse(earliest)).toISOString().replace("Z", "+00:00");
    expect(await all(`&from=${encodeURIComponent(shifted)}`)).toHaveLength(runs.length);
  });
});

describe("text in errors", () => {
  let quoterRun: string;
  beforeAll(async () => {
    // Its message holds LIKE's wildcards and characters that JSON escapes.
    await applyYaml(
      server,
      `name: quoter\nsteps:\n  - { id: a, type: transform, with: { expression: '$error("50% of \\"quoted\\" a_b")' } }\n`,
    );
    quoterRun = await startRun(server, "quoter");
    await waitForRunEnd(server, quoterRun);
  });

  it("finds runs whose error contains the text, ignoring ASCII case", async () => {
    expect(await all("&error=boom")).toEqual(sorted(failerRuns));
    expect(await all("&error=BoOm")).toEqual(sorted(failerRuns));
    expect(await all("&error=boom&workflow=lister")).toEqual([]);
    expect(await all("&error=no%20such%20words")).toEqual([]);
    // The message only: not the names or other fields of the stored error.
    for (const word of ["message", "kind", "{", "retryable"])
      expect(await all(`&error=${encodeURIComponent(word)}`), word).toEqual([]);
  });

  it("matches %, _, quotes and backslashes as themselves", async () => {
    expect(await all(`&error=${encodeURIComponent("50%")}`)).toEqual([quoterRun]);
    expect(await all(`&error=${encodeURIComponent("%")}`)).toEqual([quoterRun]);
    expect(await all(`&error=${encodeURIComponent('"quoted"')}`)).toEqual([quoterRun]);
    expect(await all("&error=a_b")).toEqual([quoterRun]);
    // `_` is no wildcard: "aXb" is not there.
    expect(await all("&error=o_m")).toEqual([]);
  });

  it("refuses a blank or over-long text, naming the parameter", async () => {
    for (const value of ["%20", "x".repeat(201)]) {
      const response = await server.api(`/api/v1/runs?error=${value}`);
      const problem = await expectProblem(response, 400, "bad-request");
      expect(problem.issues?.map((issue) => issue.path)).toEqual(["querystring.error"]);
    }
  });
});
