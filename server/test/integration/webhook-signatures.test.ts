import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countRows, expectProblem } from "../helpers/problem.ts";
import {
  applyYaml,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

/** Real GitHub deliveries, kept beside the repository in shared/ (see its README.md). */
const PAYLOADS = new URL("../../../../shared/data/github-webhooks/", import.meta.url);

const SECRETS = {
  GITHUB_SECRET: "gh-secret-7d1e",
  STRIPE_SECRET: "whsec_stripe-test-5b2f",
  SLACK_SECRET: "8f14e45fceea167a5a36dedd4bea2543",
  STANDARD_SECRET: `whsec_${randomBytes(32).toString("base64")}`,
  NOT_BASE64: "whsec_not base64!",
};
const WRONG_STANDARD_SECRET = `whsec_${randomBytes(32).toString("base64")}`;
const BODY = Buffer.from('{"type":"invoice.paid","data":{"amount":4200,"note":"café"}}');
const MINUTE = 60;

type Scheme = "github" | "stripe" | "slack" | "standard";

/** Signs `body` as `scheme` would, at `at` (Unix seconds), under `secret`. */
type Signer = (body: Buffer, options?: { secret?: string; at?: number }) => Record<string, string>;

const now = () => Math.floor(Date.now() / 1000);
const hmac = (key: string | Buffer, ...parts: (string | Buffer)[]) => {
  const mac = createHmac("sha256", key);
  for (const part of parts) mac.update(part);
  return mac;
};

const signers: Record<Scheme, Signer> = {
  github: (body, { secret = SECRETS.GITHUB_SECRET } = {}) => ({
    "x-hub-signature-256": `sha256=${hmac(secret, body).digest("hex")}`,
  }),
  stripe: (body, { secret = SECRETS.STRIPE_SECRET, at = now() } = {}) => ({
    "stripe-signature": `t=${at},v1=${hmac(secret, `${at}.`, body).digest("hex")}`,
  }),
  slack: (body, { secret = SECRETS.SLACK_SECRET, at = now() } = {}) => ({
    "x-slack-request-timestamp": String(at),
    "x-slack-signature": `v0=${hmac(secret, `v0:${at}:`, body).digest("hex")}`,
  }),
  standard: (body, { secret = SECRETS.STANDARD_SECRET, at = now() } = {}) => {
    const id = `msg_${randomUUID()}`;
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    const signature = hmac(key, `${id}.${at}.`, body).digest("base64");
    return {
      "webhook-id": id,
      "webhook-timestamp": String(at),
      "webhook-signature": `v1,${signature}`,
    };
  },
};

const WRONG_SECRETS: Record<Scheme, string> = {
  github: "not-the-secret",
  stripe: "whsec_not-the-secret",
  slack: "not-the-secret",
  standard: WRONG_STANDARD_SECRET,
};

/** The header whose signature a refusal names, per scheme. */
const SIGNATURE_HEADER: Record<Scheme, string> = {
  github: "X-Hub-Signature-256",
  stripe: "Stripe-Signature",
  slack: "X-Slack-Signature",
  standard: "webhook-signature",
};

/** The header that carries the signed timestamp, per scheme that has one. */
const TIMESTAMP_HEADER: Record<Exclude<Scheme, "github">, string> = {
  stripe: "Stripe-Signature timestamp",
  slack: "X-Slack-Request-Timestamp",
  standard: "webhook-timestamp",
};

let server: TestServer;
const hookUrls = {} as Record<Scheme | "slack-tight" | "standard-bad-key", string>;

beforeAll(async () => {
  server = await startTestServer({ secrets: SECRETS });
  for (const scheme of ["github", "stripe", "slack", "standard"] as const) {
    const secret = `{{ secrets.${scheme.toUpperCase()}_SECRET }}`;
    hookUrls[scheme] = await saveHook(
      `signed-${scheme}`,
      `{ scheme: ${scheme}, secret: "${secret}" }`,
    );
  }
  hookUrls["slack-tight"] = await saveHook(
    "signed-slack-tight",
    '{ scheme: slack, secret: "{{ secrets.SLACK_SECRET }}", tolerance: 30s }',
  );
  hookUrls["standard-bad-key"] = await saveHook(
    "signed-standard-bad-key",
    '{ scheme: standard, secret: "{{ secrets.NOT_BASE64 }}" }',
  );
});
afterAll(() => server.close());

async function saveHook(name: string, verify: string): Promise<string> {
  const workflow = await applyYaml(
    server,
    `
name: ${name}
triggers:
  - type: webhook
    verify: ${verify}
steps:
  - { id: seen, type: transform, with: { expression: "trigger.body" } }
`,
  );
  return workflow.triggers[0]!.url!;
}

function deliver(hook: keyof typeof hookUrls, body: Buffer, headers: Record<string, string>) {
  return fetch(hookUrls[hook], {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
}

/** Delivers and expects a run whose trigger holds the body byte for byte. */
async function expectAccepted(
  hook: keyof typeof hookUrls,
  body: Buffer,
  headers: Record<string, string>,
) {
  const response = await deliver(hook, body, headers);
  const answer = (await response.json()) as { runId: string };
  expect(response.status, JSON.stringify(answer)).toBe(202);

  const run = await waitForRunEnd(server, answer.runId);
  expect(run.status).toBe("succeeded");
  expect((run.trigger as { rawBody: string }).rawBody).toBe(body.toString("base64"));
  return run;
}

/** Delivers and expects 401 naming the fault, with no run, step run or event stored. */
async function expectRefused(
  hook: keyof typeof hookUrls,
  body: Buffer,
  headers: Record<string, string>,
  detail: string | RegExp,
) {
  const before = await countRows(server);
  const problem = await expectProblem(await deliver(hook, body, headers), 401, "unauthorized");
  if (typeof detail === "string") expect(problem.detail).toBe(detail);
  else expect(problem.detail).toMatch(detail);

  const after = await countRows(server);
  expect([after.runs, after.step_runs, after.events]).toEqual([
    before.runs,
    before.step_runs,
    before.events,
  ]);
}

/** The body with one byte changed, still valid JSON. */
function tampered(body: Buffer): Buffer {
  const copy = Buffer.from(body);
  const at = copy.indexOf("4200");
  copy[at] = "5".charCodeAt(0);
  return copy;
}

describe.each(["github", "stripe", "slack", "standard"] as const)("verify scheme %s", (scheme) => {
  const sign = signers[scheme];
  const mismatch = `${SIGNATURE_HEADER[scheme]} does not match the body`;

  it("accepts a delivery signed with the secret", async () => {
    await expectAccepted(scheme, BODY, sign(BODY));
  });

  it("refuses a delivery signed with another secret", async () => {
    await expectRefused(scheme, BODY, sign(BODY, { secret: WRONG_SECRETS[scheme] }), mismatch);
  });

  it("refuses a body changed by one byte after signing", async () => {
    const changed = tampered(BODY);
    expect(Buffer.compare(changed, BODY)).not.toBe(0);
    await expectRefused(scheme, changed, sign(BODY), mismatch);
  });

  it("refuses a delivery without its signature header", async () => {
    const headers = sign(BODY);
    delete headers[SIGNATURE_HEADER[scheme].toLowerCase()];
    await expectRefused(scheme, BODY, headers, `missing ${SIGNATURE_HEADER[scheme]} header`);
  });

  it("refuses a malformed signature header", async () => {
    const header = SIGNATURE_HEADER[scheme];
    const headers = { ...sign(BODY), [header.toLowerCase()]: "sha1=abc" };
    await expectRefused(
      scheme,
      BODY,
      headers,
      new RegExp(`^${header} header is malformed: expected `),
    );
  });

  if (scheme === "github") return;
  const timestampHeader = TIMESTAMP_HEADER[scheme];

  it("refuses a validly signed delivery from ten minutes ago", async () => {
    const headers = sign(BODY, { at: now() - 10 * MINUTE });
    const stale = new RegExp(`^${timestampHeader} is \\d+[sm] old, outside the 5m tolerance$`);
    await expectRefused(scheme, BODY, headers, stale);
  });

  it("refuses a validly signed delivery from ten minutes ahead", async () => {
    const headers = sign(BODY, { at: now() + 10 * MINUTE });
    const ahead = new RegExp(
      `^${timestampHeader} is \\d+[sm] in the future, outside the 5m tolerance$`,
    );
    await expectRefused(scheme, BODY, headers, ahead);
  });

  it("accepts a delivery signed a minute ago, within the tolerance", async () => {
    await expectAccepted(scheme, BODY, sign(BODY, { at: now() - MINUTE }));
  });
});

describe("scheme details", () => {
  it("stripe: accepts any of several v1 signatures and ignores other schemes", async () => {
    const at = now();
    const good = signers.stripe(BODY, { at })["stripe-signature"]!.split("v1=")[1]!;
    const header = `t=${at},v0=${"0".repeat(64)},v1=${"f".repeat(64)},v1=${good}`;
    await expectAccepted("stripe", BODY, { "stripe-signature": header });
  });

  it("stripe: refuses a header without t or without v1", async () => {
    const at = now();
    const expected =
      "Stripe-Signature header is malformed: expected t=<unix seconds>,v1=<hex signature>";
    await expectRefused("stripe", BODY, { "stripe-signature": `v1=${"a".repeat(64)}` }, expected);
    await expectRefused("stripe", BODY, { "stripe-signature": `t=${at}` }, expected);
    await expectRefused(
      "stripe",
      BODY,
      { "stripe-signature": `t=soon,v1=${"a".repeat(64)}` },
      expected,
    );
  });

  it("slack: refuses a missing or non-numeric X-Slack-Request-Timestamp", async () => {
    const headers = signers.slack(BODY);
    const { "x-slack-request-timestamp": _, ...withoutTimestamp } = headers;
    await expectRefused(
      "slack",
      BODY,
      withoutTimestamp,
      "missing X-Slack-Request-Timestamp header",
    );
    await expectRefused(
      "slack",
      BODY,
      { ...headers, "x-slack-request-timestamp": "yesterday" },
      "X-Slack-Request-Timestamp header is not a Unix time in seconds",
    );
  });

  it("slack: a trigger's own tolerance narrows the window", async () => {
    const headers = signers.slack(BODY, { at: now() - 2 * MINUTE });
    await expectRefused(
      "slack-tight",
      BODY,
      headers,
      /^X-Slack-Request-Timestamp is \d+[sm] old, outside the 30s tolerance$/,
    );
    await expectAccepted("slack", BODY, headers);
  });

  it("standard: takes one valid signature among several; webhook-id is signed", async () => {
    const headers = signers.standard(BODY);
    const other = `v1,${randomBytes(32).toString("base64")}`;
    const listed = `${other} v1a,ignored ${headers["webhook-signature"]}`;
    await expectAccepted("standard", BODY, { ...headers, "webhook-signature": listed });

    const { "webhook-id": _, ...withoutId } = headers;
    await expectRefused("standard", BODY, withoutId, "missing webhook-id header");
    await expectRefused(
      "standard",
      BODY,
      { ...headers, "webhook-id": "msg_other" },
      "webhook-signature does not match the body",
    );
  });

  it("standard: refuses every delivery when the secret is not a whsec_ key", async () => {
    await expectRefused(
      "standard-bad-key",
      BODY,
      signers.standard(BODY),
      "the webhook cannot be verified: its secret is not whsec_ followed by base64",
    );
  });

  it("refuses a tolerance on github at save time", async () => {
    const response = await server.api("/api/v1/workflows", {
      method: "POST",
      headers: { "content-type": "application/yaml" },
      body: `
name: github-tolerance
triggers:
  - type: webhook
    verify: { scheme: github, secret: "{{ secrets.GITHUB_SECRET }}", tolerance: 1m }
steps:
  - { id: seen, type: transform, with: { expression: "1" } }
`,
    });
    const problem = await expectProblem(response, 422, "validation-failed");
    expect(problem.issues).toContainEqual(
      expect.objectContaining({
        path: "triggers[0].verify.tolerance",
        message: "tolerance does not apply to github, whose signature carries no timestamp",
        line: 5,
      }),
    );
  });
});

describe("github with GitHub's own deliveries", () => {
  const files = readPayloadFiles();

  it("has payloads to replay", () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  for (const file of files) {
    it(`accepts ${file} signed byte for byte, and refuses it changed by one byte`, async () => {
      const bytes = readFileSync(new URL(file, PAYLOADS));
      await expectAccepted("github", bytes, signers.github(bytes));

      const changed = Buffer.from(bytes);
      const at = changed.lastIndexOf("}");
      changed[at - 1] = changed[at - 1] === 0x20 ? 0x0a : 0x20;
      await expectRefused(
        "github",
        changed,
        signers.github(bytes),
        "X-Hub-Signature-256 does not match the body",
      );
    });
  }
});

function readPayloadFiles(): string[] {
  const dir = fileURLToPath(PAYLOADS);
  if (!existsSync(dir)) {
    throw new Error(
      `GitHub webhook payloads not found at ${dir}: check out shared/ (with ` +
        "data/github-webhooks/) beside the repository",
    );
  }
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort();
}

describe("replayed signed deliveries", () => {
  it.each(["github", "stripe", "slack", "standard"] as const)(
    "%s: the same delivery sent twice starts one run",
    async (scheme) => {
      const body = Buffer.from(JSON.stringify({ replay: scheme, at: Date.now() }));
      const headers = signers[scheme](body);
      const first = await deliver(scheme, body, headers);
      const again = await deliver(scheme, body, headers);
      expect([first.status, again.status]).toEqual([202, 202]);
      const a = (await first.json()) as { runId: string };
      const b = (await again.json()) as { runId: string; duplicate?: boolean };
      expect(b).toEqual({ runId: a.runId, status: "queued", duplicate: true });
    },
  );
});
