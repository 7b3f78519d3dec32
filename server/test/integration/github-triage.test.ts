import { createHmac, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeService, sendJson, startFakeService } from "../helpers/fake-service.ts";
import { countRows, expectProblem } from "../helpers/problem.ts";
import {
  type RunView,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

/** Real GitHub deliveries, kept beside the repository in shared/ (see its README.md). */
const PAYLOADS = new URL("../../../../shared/data/github-webhooks/", import.meta.url);
const EXAMPLE = new URL("../../../examples/github-triage.yaml", import.meta.url);
const HOOK_SECRET = "test-hook-secret-3f9c2a";
const STEP_IDS = ["classify", "notify", "record"];

/** The issue actions the example triages; any other delivery skips every step. */
const TRIAGED_ACTIONS = ["opened", "edited", "reopened", "labeled", "unlabeled"];

interface Payload {
  file: string;
  /** The `X-GitHub-Event` header GitHub sends with it: the file name up to its first dot. */
  event: string;
  bytes: Buffer;
  body: GitHubBody;
}

interface GitHubBody {
  action?: string;
  repository?: { full_name: string };
  issue?: {
    number: number;
    title: string;
    html_url: string;
    body: string | null;
    labels: { name: string }[];
  };
}

interface Summary {
  repo: string;
  number: number;
  title: string;
  url: string;
  kind: "bug" | "feature" | "question" | "other";
  priority: "high" | "medium" | "low";
  labels: string[];
}

const payloads = loadPayloads();

let endpoint: FakeService;
let server: TestServer;
let hookUrl: string;

beforeAll(async () => {
  endpoint = await startFakeService((_request, response) => sendJson(response, 200, { ok: true }));
  server = await startTestServer({
    env: { WEFT_HTTP_ALLOW_HOSTS: "127.0.0.1,localhost" },
    secrets: { GITHUB_HOOK_SECRET: HOOK_SECRET, TRIAGE_ENDPOINT: `${endpoint.url}/triage` },
  });

  const response = await server.api("/api/v1/workflows", {
    method: "POST",
    headers: { "content-type": "application/yaml" },
    body: readFileSync(EXAMPLE, "utf8"),
  });
  const saved = (await response.json()) as { workflow: { triggers: { url?: string }[] } };
  expect(response.status, JSON.stringify(saved)).toBe(201);
  hookUrl = saved.workflow.triggers[0]!.url!;
  expect(hookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hooks\//);
});

afterAll(async () => {
  await server?.close();
  await endpoint?.close();
});

describe("replaying GitHub's own deliveries", () => {
  it("has issue and non-issue payloads to replay", () => {
    const events = new Set(payloads.map((p) => p.event));
    expect(events).toContain("issues");
    expect([...events].filter((e) => e !== "issues").length).toBeGreaterThan(0);
  });

  for (const payload of payloads) {
    it(`${payload.file} (X-GitHub-Event: ${payload.event})`, async () => {
      await expectTriaged(payload.event, payload.bytes, payload.body);
    });
  }

  it("classifies the real issue payloads, all labelled bug, as medium priority bugs", () => {
    const issues = payloads.filter((p) => p.event === "issues");
    expect(issues.length).toBeGreaterThanOrEqual(3);
    for (const { body } of issues) {
      expect(expectedSummary("issues", body)).toMatchObject({ kind: "bug", priority: "medium" });
    }
  });
});

describe("classifying variations of a real issue", () => {
  const variations: [string, Partial<NonNullable<GitHubBody["issue"]>>, Partial<Summary>][] = [
    [
      "a question by its title",
      { labels: [], title: "How do I retry a step?" },
      { kind: "question" },
    ],
    ["a feature by its title", { labels: [], title: "Add support for Gitea" }, { kind: "feature" }],
    ["a feature by its label", { labels: [{ name: "enhancement" }] }, { kind: "feature" }],
    ["a question by its label", { labels: [{ name: "Question" }] }, { kind: "question" }],
    ["other, low", { labels: [], title: "Docs typo" }, { kind: "other", priority: "low" }],
    ["a crash as high", { labels: [], title: "App crashes on start" }, { priority: "high" }],
    ["a security label as high", { labels: [{ name: "security" }] }, { priority: "high" }],
    ["an empty body", { body: null, labels: [], title: "Broken link" }, { kind: "bug" }],
  ];

  for (const [what, issue, expected] of variations) {
    it(`sees ${what}`, async () => {
      const body = variantOf("issues.opened.json", { issue });
      const summary = expectedSummary("issues", body);
      expect(summary).toMatchObject(expected);
      await expectTriaged("issues", Buffer.from(JSON.stringify(body)), body);
    });
  }

  it("skips an issue action it does not triage (closed)", async () => {
    const body = variantOf("issues.opened.json", { action: "closed" });
    expect(expectedSummary("issues", body)).toBeUndefined();
    await expectTriaged("issues", Buffer.from(JSON.stringify(body)), body);
  });
});

describe("a delivery sent with GitHub's default form encoding", () => {
  it("fails its run with a message that names the fix, and calls no endpoint", async () => {
    const { bytes } = requirePayload("issues.opened.json");
    const form = Buffer.from(new URLSearchParams({ payload: bytes.toString("utf8") }).toString());
    const before = endpoint.requests.length;

    const response = await deliver(form, {
      "content-type": "application/x-www-form-urlencoded",
      "x-github-event": "issues",
      "x-hub-signature-256": sign(form),
    });
    expect(response.status).toBe(202);
    const run = await waitForRunEnd(server, ((await response.json()) as { runId: string }).runId);

    expect(run.status).toBe("failed");
    expect(run.error?.message).toContain(
      "set the GitHub webhook's Content type to application/json",
    );
    expect(stepStatuses(run)).toEqual([
      ["classify", "failed"],
      ["notify", "cancelled"],
      ["record", "cancelled"],
    ]);
    expect(endpoint.requests.length).toBe(before);
  });
});

describe("refusing deliveries that are not GitHub's", () => {
  const issue = () => requirePayload("issues.opened.json");

  it("answers 401 to a wrong signature and stores no run", async () => {
    const { bytes } = issue();
    const problem = await expectRefused(bytes, { "x-hub-signature-256": sign(bytes, "wrong") });
    expect(problem.detail).toBe("X-Hub-Signature-256 does not match the body");
  });

  it("answers 401 to a delivery without a signature", async () => {
    const problem = await expectRefused(issue().bytes, {});
    expect(problem.detail).toBe("missing X-Hub-Signature-256 header");
  });

  it("answers 401 to a body changed by one byte after it was signed", async () => {
    const { bytes } = issue();
    const changed = Buffer.from(bytes);
    const at = changed.indexOf("Spelling error");
    expect(at).toBeGreaterThan(0);
    changed[at] = "s".charCodeAt(0);
    expect(Buffer.compare(changed, bytes)).not.toBe(0);
    JSON.parse(changed.toString("utf8"));

    const problem = await expectRefused(changed, { "x-hub-signature-256": sign(bytes) });
    expect(problem.detail).toBe("X-Hub-Signature-256 does not match the body");
  });
});

/** Delivers a signed payload and checks the run, its steps and what the endpoint received. */
async function expectTriaged(event: string, bytes: Buffer, body: GitHubBody): Promise<void> {
  const before = endpoint.requests.length;
  const response = await deliver(bytes, {
    "x-github-event": event,
    "x-hub-signature-256": sign(bytes),
  });
  const answer = (await response.json()) as { runId: string };
  expect(response.status, JSON.stringify(answer)).toBe(202);

  const run = await waitForRunEnd(server, answer.runId);
  expect(run.status, JSON.stringify(run.error)).toBe("succeeded");
  const received = endpoint.requests.slice(before);
  const expected = expectedSummary(event, body);

  if (expected === undefined) {
    expect(stepStatuses(run)).toEqual(STEP_IDS.map((id) => [id, "skipped"]));
    expect(received).toEqual([]);
    return;
  }

  expect(stepStatuses(run)).toEqual(STEP_IDS.map((id) => [id, "succeeded"]));
  expect(received).toHaveLength(1);
  const request = received[0]!;
  expect(request.method).toBe("POST");
  expect(request.path).toBe("/triage");
  expect(request.headers["content-type"]).toBe("application/json");
  expect(request.headers["idempotency-key"]).toBeTruthy();
  expect(JSON.parse(request.body)).toEqual(expected);

  const step = (id: string) => run.steps.find((s) => s.id === id)!;
  expect(step("classify").output).toEqual(expected);
  const { repo, number, priority, kind } = expected;
  expect(step("record").output).toEqual({
    message: `${repo}#${number} is a ${priority} priority ${kind}`,
    data: { summary: expected, endpointStatus: 200 },
  });
}

/** Sends a delivery that must be refused with 401, storing no run and calling no endpoint. */
async function expectRefused(bytes: Buffer, headers: Record<string, string>) {
  const rowsBefore = await countRows(server);
  const requestsBefore = endpoint.requests.length;

  const response = await deliver(bytes, { "x-github-event": "issues", ...headers });
  const problem = await expectProblem(response, 401, "unauthorized");

  const rowsAfter = await countRows(server);
  expect({ runs: rowsAfter.runs, events: rowsAfter.events }).toEqual({
    runs: rowsBefore.runs,
    events: rowsBefore.events,
  });
  expect(endpoint.requests.length).toBe(requestsBefore);
  return problem;
}

function deliver(bytes: Buffer, headers: Record<string, string>): Promise<Response> {
  return fetch(hookUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/test",
      "x-github-delivery": randomUUID(),
      ...headers,
    },
    body: bytes,
  });
}

/** GitHub's `X-Hub-Signature-256`: HMAC-SHA256 of the exact bytes under the hook's secret. */
function sign(bytes: Buffer, secret = HOOK_SECRET): string {
  return `sha256=${createHmac("sha256", secret).update(bytes).digest("hex")}`;
}

function stepStatuses(run: RunView): [string, string][] {
  return run.steps.map((s) => [s.id, s.status]);
}

/**
 * What examples/github-triage.yaml should post for a delivery, restated here from its
 * header comment: labels decide the kind before the title does.
 */
function expectedSummary(event: string, body: GitHubBody): Summary | undefined {
  const issue = body.issue;
  if (event !== "issues" || !issue || !TRIAGED_ACTIONS.includes(body.action ?? ""))
    return undefined;

  const labels = issue.labels.map((l) => l.name);
  const names = labels.map((l) => l.toLowerCase());
  const title = issue.title.toLowerCase();
  const labelled = (...wanted: string[]) => names.some((n) => wanted.includes(n));
  const titled = (pattern: RegExp) => pattern.test(title);

  let kind: Summary["kind"] = "other";
  if (labelled("bug", "defect", "regression")) kind = "bug";
  else if (labelled("enhancement", "feature", "feature request")) kind = "feature";
  else if (labelled("question", "help wanted", "support")) kind = "question";
  else if (titled(/\b(bug|error|crash|crashes|broken|fails?|exception)\b/)) kind = "bug";
  else if (titled(/\b(feature|proposal|enhancement|add support|support for)\b/)) kind = "feature";
  else if (titled(/^(how|why|what|where|can|is|does)\b|\?\s*$/)) kind = "question";

  const urgent =
    labelled("critical", "security", "urgent", "p0", "p1", "priority: high") ||
    titled(/\b(security|vulnerability|crash|crashes|outage|urgent|data loss)\b/);
  const priority = urgent ? "high" : kind === "bug" ? "medium" : "low";

  return {
    repo: body.repository!.full_name,
    number: issue.number,
    title: issue.title,
    url: issue.html_url,
    kind,
    priority,
    labels,
  };
}

function variantOf(
  file: string,
  change: { action?: string; issue?: Partial<NonNullable<GitHubBody["issue"]>> },
): GitHubBody {
  const { body } = requirePayload(file);
  return { ...body, ...change, issue: { ...body.issue!, ...change.issue } };
}

function requirePayload(file: string): Payload {
  const payload = payloads.find((p) => p.file === file);
  if (!payload) throw new Error(`${file} is missing from ${fileURLToPath(PAYLOADS)}`);
  return payload;
}

/** Reads every payload; a missing folder fails the whole file, since nothing can be replayed. */
function loadPayloads(): Payload[] {
  const dir = fileURLToPath(PAYLOADS);
  if (!existsSync(dir)) {
    throw new Error(
      `GitHub webhook payloads not found at ${dir}: this test replays them, so check out ` +
        "shared/ (with data/github-webhooks/) beside the repository",
    );
  }
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort();
  if (files.length === 0) throw new Error(`no *.json webhook payloads in ${dir}`);

  return files.map((file) => {
    const bytes = readFileSync(new URL(file, PAYLOADS));
    return {
      file,
      event: file.split(".")[0]!,
      bytes,
      body: JSON.parse(bytes.toString("utf8")) as GitHubBody,
    };
  });
}
