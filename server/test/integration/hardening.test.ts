import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRows, expectProblem } from "../helpers/problem.ts";
import {
  applyYaml,
  startRun,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ secrets: { KNOWN: "known-secret-value" } });
});
afterAll(() => server.close());

/** A request with the path sent exactly as written (fetch would normalise it). */
function rawRequest(
  path: string,
  init: { method?: string; headers?: Record<string, string> } = {},
) {
  const url = new URL(server.url);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: init.method ?? "GET",
        headers: init.headers,
      },
      (res) => {
        let body = "";
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("authentication follows the matched route", () => {
  it("refuses percent-encoded paths to the API without a token", async () => {
    for (const path of ["/%61pi/v1/users", "/%61pi/v1/runs", "/api/v1/%75sers"]) {
      const answer = await rawRequest(path);
      expect(answer.status, path).toBe(401);
      expect(JSON.parse(answer.body).type).toBe("urn:weft:problem:unauthorized");
    }
  });

  it("answers an unknown API route 404 for every role, not 403", async () => {
    const viewer = await server.tokenFor("viewer");
    const response = await server.api("/api/v1/nope", {
      headers: { authorization: `Bearer ${viewer}` },
    });
    await expectProblem(response, 404, "not-found");
  });

  it("refuses a cookie WebSocket upgrade from another origin", async () => {
    const session = await server.api("/api/v1/session", {
      method: "POST",
      json: { email: "ws-user@example.test", password: "wrong-password" },
    });
    expect(session.status).toBe(401);
    const answer = await rawRequest("/api/v1/events", {
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        cookie: "weft_session=wfs_anything",
        origin: "http://evil.example",
      },
    });
    expect(answer.status).toBe(403);
    expect(answer.body).toContain("cross-origin request from http://evil.example refused");
  });
});

describe("hostile input", () => {
  it("answers 400 to a webhook body nested 5000 deep, and stores no run", async () => {
    const workflow = await applyYaml(
      server,
      "name: deep-hook\ntriggers: [{ type: webhook }]\nsteps:\n  - { id: a, type: log, with: { message: hi } }\n",
    );
    const before = (await countRows(server)).runs;
    const response = await fetch(workflow.triggers[0]!.url!, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `${"[".repeat(5000)}${"]".repeat(5000)}`,
    });
    const problem = await expectProblem(response, 400, "bad-request");
    expect(problem.detail).toBe("body nests deeper than 64 levels");
    expect((await countRows(server)).runs).toBe(before);
  });

  it("answers 400 to an API body nested too deep", async () => {
    let input: unknown = 1;
    for (let i = 0; i < 3000; i++) input = { a: input };
    const response = await server.api("/api/v1/workflows/deep-hook/runs", {
      method: "POST",
      json: { input },
    });
    const problem = await expectProblem(response, 400, "bad-request");
    expect(problem.detail).toBe("the body nests deeper than 64 levels");
  });

  it("answers 422 to a definition whose YAML alias refers to itself", async () => {
    const yaml = "name: rec\nsteps:\n  - &a { id: a, type: log, with: { message: x, data: *a } }\n";
    const response = await server.api("/api/v1/workflows", {
      method: "POST",
      headers: { "content-type": "application/yaml" },
      body: yaml,
    });
    expect(response.status).toBe(422);
  });

  it("runs a catastrophic regular expression in linear time", async () => {
    await applyYaml(
      server,
      `
name: redos
steps:
  - id: m
    type: transform
    with: { expression: '$contains(trigger.input.s, /^(a+)+$/)' }
`,
    );
    const runId = await startRun(server, "redos", { s: `${"a".repeat(5000)}!` });
    const run = await waitForRunEnd(server, runId);
    expect(run.status).toBe("succeeded");
    expect(run.steps[0]!.output).toBe(false);
  });

  it("keeps form fields named like object internals", async () => {
    const workflow = await applyYaml(
      server,
      "name: form-hook\ntriggers: [{ type: webhook }]\nsteps:\n  - { id: a, type: log, with: { message: hi } }\n",
    );
    const response = await fetch(workflow.triggers[0]!.url!, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "constructor=2&toString=1&__proto__=3",
    });
    const { runId } = (await response.json()) as { runId: string };
    const run = await waitForRunEnd(server, runId);
    expect(run.trigger.body).toEqual(
      JSON.parse('{"constructor":"2","toString":"1","__proto__":"3"}'),
    );
  });

  it("does not start a run for a HEAD request to a webhook", async () => {
    const workflow = await applyYaml(
      server,
      "name: head-hook\ntriggers: [{ type: webhook }]\nsteps:\n  - { id: a, type: log, with: { message: hi } }\n",
    );
    const before = (await countRows(server)).runs;
    const response = await fetch(workflow.triggers[0]!.url!, { method: "HEAD" });
    expect(response.status).toBe(404);
    expect((await countRows(server)).runs).toBe(before);
  });
});

describe("clear failures", () => {
  it("fails a step that uses a secret the instance lacks, saying how to add it", async () => {
    await applyYaml(
      server,
      `
name: missing-secret
steps:
  - { id: a, type: log, with: { message: "{{ secrets.NOPE }} and {{ secrets.KNOWN }}" } }
`,
    );
    const run = await waitForRunEnd(server, await startRun(server, "missing-secret"));
    expect(run.steps[0]!.error).toMatchObject({
      kind: "missing-secret",
      message:
        "secrets.NOPE is not set: add it with `weft secret set NOPE` or PUT /api/v1/secrets/NOPE",
    });
  });

  it("refuses a transform expression that reads secrets", async () => {
    const response = await server.api("/api/v1/workflows", {
      method: "POST",
      headers: { "content-type": "application/yaml" },
      body: "name: t-secret\nsteps:\n  - { id: a, type: transform, with: { expression: 'secrets.KNOWN' } }\n",
    });
    const problem = await expectProblem(response, 422, "validation-failed");
    expect(problem.issues).toEqual([
      expect.objectContaining({
        path: "steps[0].with.expression",
        message: "cannot read secrets: pass them through a {{ secrets.X }} field instead",
        line: 3,
      }),
    ]);
  });

  it("fails a delay whose instant is more than 366 days away instead of moving it", async () => {
    await applyYaml(
      server,
      `
name: far-delay
steps:
  - { id: d, type: delay, with: { until: "{{ trigger.input.until }}" } }
`,
    );
    const run = await waitForRunEnd(
      server,
      await startRun(server, "far-delay", { until: "2099-01-01T00:00:00Z" }),
    );
    expect(run.steps[0]!.error).toMatchObject({
      kind: "invalid-input",
      message: 'until "2099-01-01T00:00:00Z" is more than 366d away',
    });
  });

  it("refuses to disable the last enabled admin", async () => {
    const alone = await startTestServer();
    try {
      const users = (await (await alone.api("/api/v1/users")).json()) as {
        items: { email: string }[];
      };
      const admin = users.items[0]!.email;
      const response = await alone.api(`/api/v1/users/${admin}/disable`, { method: "POST" });
      const problem = await expectProblem(response, 409, "conflict");
      expect(problem.detail).toBe(`${admin} is the last enabled admin: make another admin first`);
      expect((await alone.api("/api/v1/session")).status).toBe(200);
    } finally {
      await alone.close();
    }
  });
});

describe("webhooks that wait for their run", () => {
  it("tell the caller a run failed and its kind, not the internal error", async () => {
    const workflow = await applyYaml(
      server,
      `
name: wait-fail
triggers: [{ type: webhook, respond: { wait: true, timeout: 5s } }]
steps:
  - { id: call, type: http, with: { url: "http://127.0.0.1:1/internal/path" } }
`,
    );
    const response = await fetch(workflow.triggers[0]!.url!, { method: "POST" });
    const problem = await expectProblem(response, 409, "conflict");
    expect(problem.detail).toMatch(/^run [0-9a-f-]{36} failed \(network\)$/);
    expect(problem.detail).not.toContain("internal/path");
  });
});

describe("what expression limits cannot stop from inside", () => {
  it("refuses a regular expression with a backreference or lookaround at save time", async () => {
    const response = await server.api("/api/v1/workflows", {
      method: "POST",
      headers: { "content-type": "application/yaml" },
      body: "name: evil-rx\nsteps:\n  - { id: a, type: transform, with: { expression: '$contains(trigger.input.s, /^(a+)+\\1$/)' } }\n",
    });
    const problem = await expectProblem(response, 422, "validation-failed");
    expect(problem.issues?.[0]).toEqual(
      expect.objectContaining({
        path: "steps[0].with.expression",
        message:
          "cannot parse expression: regular expression /^(a+)+\\1$/ uses a backreference or lookaround, which can take exponential time",
        line: 3,
      }),
    );
  });

  it("fails a step that pads past the limit or calls $eval, and keeps serving", async () => {
    await applyYaml(
      server,
      `
name: huge-pad
steps:
  - { id: pad, type: transform, with: { expression: '$length($pad("", 150000000, "a"))' } }
`,
    );
    const padded = await waitForRunEnd(server, await startRun(server, "huge-pad"));
    expect(padded.steps[0]!.error?.message).toContain(
      "$pad width 150000000 is past the limit of 10000000",
    );

    await applyYaml(
      server,
      `
name: eval-input
steps:
  - { id: e, type: transform, with: { expression: '$eval(trigger.input.e)' } }
`,
    );
    const evaluated = await waitForRunEnd(
      server,
      await startRun(server, "eval-input", { e: "1 + 1" }),
    );
    expect(evaluated.steps[0]!.error?.message).toContain("$eval is not available");
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe("origin checks with a public URL", () => {
  it("compares the Origin with WEFT_PUBLIC_URL, not with the Host the caller sent", async () => {
    const pinned = await startTestServer({ env: { WEFT_PUBLIC_URL: "https://weft.example.test" } });
    try {
      const url = new URL(pinned.url);
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          {
            host: url.hostname,
            port: url.port,
            path: "/api/v1/events",
            headers: {
              host: "evil.example",
              origin: "http://evil.example",
              connection: "Upgrade",
              upgrade: "websocket",
              "sec-websocket-version": "13",
              "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
              cookie: "weft_session=wfs_anything",
            },
          },
          (res) => resolve(res.statusCode ?? 0),
        );
        req.on("upgrade", () => resolve(101));
        req.on("error", reject);
        req.end();
      });
      expect(status).toBe(403);
    } finally {
      await pinned.close();
    }
  });
});

describe("archiving", () => {
  it("refuses to retry a run of an archived workflow, and unarchiving brings it back", async () => {
    await applyYaml(
      server,
      `
name: archived-retry
steps:
  - { id: d, type: delay, with: { duration: 10s } }
`,
    );
    const runId = await startRun(server, "archived-retry");
    expect((await server.api(`/api/v1/runs/${runId}/cancel`, { method: "POST" })).status).toBe(202);
    await server.api("/api/v1/workflows/archived-retry/archive", { method: "POST" });

    const refused = await server.api(`/api/v1/runs/${runId}/retry`, { method: "POST" });
    const problem = await expectProblem(refused, 409, "conflict");
    expect(problem.detail).toBe('workflow "archived-retry" is archived: unarchive it to retry');

    const back = await server.api("/api/v1/workflows/archived-retry/unarchive", { method: "POST" });
    expect(((await back.json()) as { archived: boolean }).archived).toBe(false);
    expect((await server.api(`/api/v1/runs/${runId}/retry`, { method: "POST" })).status).toBe(202);
    await server.api(`/api/v1/runs/${runId}/cancel`, { method: "POST" });
  });
});
