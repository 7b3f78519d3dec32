import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectProblem } from "../helpers/problem.ts";
import { startTestServer, type TestServer } from "../helpers/test-server.ts";

/** Each user's own dashboard layout: the default, saving, bounds, and reset. */

let server: TestServer;
let alice: string;
let bob: string;

interface Widget {
  id: string;
  type: string;
  x: number;
  y: number;
  w: number;
  h: number;
  options?: Record<string, unknown>;
}
interface Layout {
  widgets: Widget[];
  isDefault: boolean;
  updatedAt: string | null;
}

const LAYOUT = {
  widgets: [
    { id: "w1", type: "throughput", x: 0, y: 0, w: 12, h: 2, options: { range: "7d" } },
    { id: "w2", type: "recent-failures", x: 6, y: 2, w: 6, h: 5 },
  ],
};

beforeAll(async () => {
  server = await startTestServer();
  alice = await server.tokenFor("viewer");
  bob = await server.tokenFor("editor");
});
afterAll(() => server.close());

const as = (token: string, method = "GET", json?: unknown) =>
  server.api("/api/v1/me/dashboard", {
    method,
    headers: { authorization: `Bearer ${token}` },
    ...(json === undefined ? {} : { json }),
  });

describe("a user's layout", () => {
  it("is the default, with one of each widget, until saved", async () => {
    const layout = (await (await as(alice)).json()) as Layout;
    expect(layout.isDefault).toBe(true);
    expect(layout.updatedAt).toBeNull();
    expect(layout.widgets.map((w) => w.type).sort()).toEqual([
      "recent-failures",
      "runs-by-status",
      "slowest-workflows",
      "success-rate",
      "throughput",
      "upcoming-schedules",
    ]);
    expect(layout.widgets.every((w) => w.x + w.w <= 12)).toBe(true);
  });

  it("is saved for its user only, and found again", async () => {
    const saved = await as(alice, "PUT", LAYOUT);
    expect(saved.status).toBe(200);
    const answer = (await saved.json()) as Layout;
    expect(answer).toMatchObject({ ...LAYOUT, isDefault: false });
    expect(Date.parse(answer.updatedAt!)).not.toBeNaN();

    expect(await (await as(alice)).json()).toEqual(answer);
    expect(((await (await as(bob)).json()) as Layout).isDefault).toBe(true);

    const bobs = { widgets: [{ id: "only", type: "success-rate", x: 3, y: 0, w: 3, h: 2 }] };
    await as(bob, "PUT", bobs);
    expect(((await (await as(bob)).json()) as Layout).widgets).toEqual(bobs.widgets);
    expect(((await (await as(alice)).json()) as Layout).widgets).toEqual(LAYOUT.widgets);

    const rows = await server.weft.store.db.selectFrom("dashboard_layouts").selectAll().execute();
    expect(rows).toHaveLength(2);
  });

  it("takes an empty dashboard, and resets to the default", async () => {
    await as(bob, "PUT", { widgets: [] });
    expect(((await (await as(bob)).json()) as Layout).widgets).toEqual([]);
    expect((await as(bob, "DELETE")).status).toBe(204);
    expect(((await (await as(bob)).json()) as Layout).isDefault).toBe(true);
    expect(((await (await as(alice)).json()) as Layout).isDefault).toBe(false);
  });
});

describe("refusals", () => {
  const widget = LAYOUT.widgets[0]!;
  const one = (change: Record<string, unknown>) => ({ widgets: [{ ...widget, ...change }] });

  it.each([
    ["an unknown type", one({ type: "pie" }), "body.widgets[0].type"],
    ["a column past the grid", one({ x: 12, w: 1 }), "body.widgets[0].x"],
    ["a widget wider than the room left", one({ x: 6, w: 7 }), "body.widgets[0].w"],
    ["a fractional height", one({ h: 1.5 }), "body.widgets[0].h"],
    ["a zero width", one({ w: 0 }), "body.widgets[0].w"],
    ["a negative row", one({ y: -1 }), "body.widgets[0].y"],
    ["an unknown range", one({ options: { range: "1y" } }), "body.widgets[0].options.range"],
    ["an unknown option", one({ options: { colour: "red" } }), "body.widgets[0].options"],
    ["a repeated id", { widgets: [widget, { ...widget }] }, "body.widgets[1].id"],
    [
      "more than 50 widgets",
      { widgets: Array.from({ length: 51 }, (_, i) => ({ ...widget, id: `w${i}` })) },
      "body.widgets",
    ],
    ["no widgets list", {}, "body.widgets"],
  ])("answers 400 naming the path for %s", async (_what, body, path) => {
    const problem = await expectProblem(await as(alice, "PUT", body), 400, "bad-request");
    expect(problem.detail.startsWith(`${path}:`), problem.detail).toBe(true);
  });

  it("leaves the saved layout alone after a refusal, and needs a signed-in caller", async () => {
    expect(((await (await as(alice)).json()) as Layout).widgets).toEqual(LAYOUT.widgets);
    const anonymous = await fetch(`${server.url}/api/v1/me/dashboard`);
    await expectProblem(anonymous, 401, "unauthorized");
  });
});
