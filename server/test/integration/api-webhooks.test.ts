import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRows, expectProblem } from "../helpers/problem.ts";
import {
  applyYaml,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

/** Webhook deliveries: URLs, bodies by content type, raw bytes, keys, waiting for output. */

let server: TestServer;
let hookId: string;
let hookUrl: string;

beforeAll(async () => {
  server = await startTestServer({
    env: { WEFT_MAX_BODY_BYTES: "4096", WEFT_MAX_WEBHOOK_BYTES: "4096" },
  });
  const hook = await applyYaml(
    server,
    "name: hook\ntriggers:\n  - type: webhook\nsteps:\n  - { id: a, type: log, with: { message: got } }\n",
  );
  hookId = hook.id;
  hookUrl = hook.triggers[0]!.url!;
});
afterAll(() => server.close());

interface Trigger {
  type: string;
  id: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  contentType: string | null;
  body: unknown;
  rawBody: string;
}

/** Delivers to `url`, expects 202 with a run id, and returns the run's `trigger` once it ended. */
async function deliver(url: string, init: RequestInit = {}): Promise<Trigger> {
  const response = await fetch(url, { method: "POST", ...init });
  const text = await response.text();
  expect(response.status, text).toBe(202);
  const answer = JSON.parse(text) as { runId: string; status: string };
  expect(answer.status).toBe("queued");
  const run = await waitForRunEnd(server, answer.runId);
  expect(run.status).toBe("succeeded");
  return run.trigger as unknown as Trigger;
}

const raw = (trigger: Trigger) => Buffer.from(trigger.rawBody, "base64");

describe("the webhook URL", () => {
  it("is a full URL under /hooks/{workflowId}/", async () => {
    expect(hookUrl).toMatch(new RegExp(`^${server.url}/hooks/${hookId}/wfh_[\\w-]{43}$`));
  });
});

describe("bodies by content type", () => {
  it("parses JSON and keeps its exact bytes", async () => {
    const sent = '{ "a" : 1,\n  "name": "héllo ✓" }';
    const trigger = await deliver(hookUrl, {
      headers: { "content-type": "application/json; charset=utf-8" },
      body: sent,
    });
    expect(trigger).toMatchObject({
      type: "webhook",
      id: "webhook",
      method: "POST",
      path: "/",
      contentType: "application/json",
      body: { a: 1, name: "héllo ✓" },
    });
    expect(raw(trigger).equals(Buffer.from(sent))).toBe(true);
  });

  it("parses a +json type as JSON", async () => {
    const trigger = await deliver(hookUrl, {
      headers: { "content-type": "application/vnd.github+json" },
      body: "[1,2]",
    });
    expect(trigger.body).toEqual([1, 2]);
  });

  it("parses a form, a repeated key becoming an array", async () => {
    const sent = "a=1&a=2&b=x+y&c=%26";
    const trigger = await deliver(hookUrl, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: sent,
    });
    expect(trigger.body).toEqual({ a: ["1", "2"], b: "x y", c: "&" });
    expect(raw(trigger).toString("utf8")).toBe(sent);
  });

  it("keeps text/plain as a string", async () => {
    const sent = "line one\r\nline two ✓\n";
    const trigger = await deliver(hookUrl, {
      headers: { "content-type": "text/plain" },
      body: sent,
    });
    expect(trigger.body).toBe(sent);
    expect(raw(trigger).equals(Buffer.from(sent))).toBe(true);
  });

  it("answers an empty body with a null body and an empty raw body", async () => {
    const trigger = await deliver(hookUrl);
    expect(trigger.body).toBeNull();
    expect(trigger.contentType).toBeNull();
    expect(trigger.rawBody).toBe("");
  });

  it("keeps binary bytes as base64, exactly", async () => {
    const sent = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x0d, 0xc3, 0x28, 0x7f]);
    const trigger = await deliver(hookUrl, {
      headers: { "content-type": "application/octet-stream" },
      body: sent,
    });
    expect(trigger.body).toEqual({ base64: sent.toString("base64"), size: sent.length });
    expect(raw(trigger).equals(sent)).toBe(true);
  });

  it("keeps bytes that are not UTF-8 exactly even when sent as text", async () => {
    const sent = Buffer.from([0x68, 0x69, 0xff, 0xfe]);
    const trigger = await deliver(hookUrl, {
      headers: { "content-type": "text/plain" },
      body: sent,
    });
    expect(raw(trigger).equals(sent)).toBe(true);
  });

  it("answers JSON that does not parse with 400, and starts no run", async () => {
    const before = await countRows(server);
    const response = await fetch(hookUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"a":',
    });
    const problem = await expectProblem(response, 400, "bad-request");
    expect(problem.detail).toMatch(/^body is not valid JSON: /);
    expect(await countRows(server)).toEqual(before);
  });

  it("answers a body over WEFT_MAX_WEBHOOK_BYTES with 413, and starts no run", async () => {
    const before = await countRows(server);
    const response = await fetch(hookUrl, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: Buffer.alloc(5000, 1),
    });
    const problem = await expectProblem(response, 413, "payload-too-large");
    expect(problem.detail).toBe(
      "the body is larger than the limit of 4096 bytes (WEFT_MAX_WEBHOOK_BYTES)",
    );
    expect(await countRows(server)).toEqual(before);
  });
});

describe("query, path and headers", () => {
  it("keeps a repeated query key as an array", async () => {
    const trigger = await deliver(`${hookUrl}?a=1&a=2&b=3`);
    expect(trigger.query).toEqual({ a: ["1", "2"], b: "3" });
  });

  it("passes the rest of the path and the method", async () => {
    const trigger = await deliver(`${hookUrl}/orders/42`, { method: "PUT" });
    expect(trigger.path).toBe("/orders/42");
    expect(trigger.method).toBe("PUT");
  });

  it("does not store the headers that carry credentials", async () => {
    const trigger = await deliver(hookUrl, {
      headers: { authorization: "Bearer secret-value", cookie: "s=secret", "x-custom": "kept" },
    });
    expect(trigger.headers["x-custom"]).toBe("kept");
    expect(trigger.headers.authorization).toBeUndefined();
    expect(trigger.headers.cookie).toBeUndefined();
    expect(JSON.stringify(trigger)).not.toContain("secret");
  });
});

describe("keys", () => {
  it("answers a wrong key or an unknown workflow with 404, and starts no run", async () => {
    const before = await countRows(server);
    const wrongKey = hookUrl.replace(/wfh_.*$/, `wfh_${"A".repeat(43)}`);
    for (const url of [wrongKey, `${wrongKey}/sub`, `${server.url}/hooks/nope/key`]) {
      const problem = await expectProblem(
        await fetch(url, { method: "POST", body: "{}" }),
        404,
        "not-found",
      );
      expect(problem.detail).not.toContain("wfh_");
    }
    expect(await countRows(server)).toEqual(before);
  });

  it("rotates the key: the old URL answers 404 and the new one works", async () => {
    const response = await server.api(`/api/v1/workflows/${hookId}/triggers/webhook/rotate`, {
      method: "POST",
    });
    expect(response.status).toBe(200);
    const { url } = (await response.json()) as { url: string };
    expect(url).not.toBe(hookUrl);
    expect(url).toMatch(new RegExp(`^${server.url}/hooks/${hookId}/wfh_[\\w-]{43}$`));

    await expectProblem(await fetch(hookUrl, { method: "POST" }), 404, "not-found");
    await deliver(url);

    const workflow = (await (await server.api(`/api/v1/workflows/${hookId}`)).json()) as {
      triggers: { url: string }[];
    };
    expect(workflow.triggers[0]!.url).toBe(url);
    hookUrl = url;
  });
});

describe("waiting for the run", () => {
  it("answers 200 with the output of the step the trigger names", async () => {
    const answer = await applyYaml(
      server,
      `
name: answer
triggers:
  - type: webhook
    respond: { wait: true, step: shape }
steps:
  - id: shape
    type: transform
    with: { expression: '{ "sum": trigger.body.a + trigger.body.b, "x": trigger.query.x }' }
  - id: after
    type: log
    needs: [shape]
    with: { message: done }
`,
    );
    const response = await fetch(`${answer.triggers[0]!.url}?x=7`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ a: 2, b: 3 }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sum: 5, x: "7" });
  });

  it("answers 200 with the run's output when no step is named", async () => {
    const answer = await applyYaml(
      server,
      `
name: answer-run
triggers:
  - type: webhook
    respond: { wait: true }
steps:
  - { id: only, type: transform, with: { expression: 'trigger.body.n * 2' } }
`,
    );
    const response = await fetch(answer.triggers[0]!.url!, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"n":21}',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ only: 42 });
  });
});

describe("with WEFT_PUBLIC_URL", () => {
  it("hands out webhook URLs under the public URL", async () => {
    const behind = await startTestServer({ env: { WEFT_PUBLIC_URL: "https://weft.example.com/" } });
    try {
      const saved = await applyYaml(
        behind,
        "name: public\ntriggers: [{ type: webhook }]\nsteps:\n  - { id: a, type: log, with: { message: hi } }\n",
      );
      expect(saved.triggers[0]!.url).toMatch(
        new RegExp(`^https://weft\\.example\\.com/hooks/${saved.id}/wfh_[\\w-]{43}$`),
      );
    } finally {
      await behind.close();
    }
  });
});
