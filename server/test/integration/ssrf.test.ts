import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeService, sendJson, startFakeService } from "../helpers/fake-service.ts";
import {
  applyYaml,
  type RunView,
  startRun,
  startTestServer,
  type TestServer,
  waitForRunEnd,
} from "../helpers/test-server.ts";

/** Where a refused request would have landed; it must never see a request. */
let target: FakeService;
/** An allowed service that answers with redirects, chosen by path. */
let redirector: FakeService;
let workflowCount = 0;

beforeAll(async () => {
  target = await startFakeService((request, response) =>
    sendJson(response, 200, { reached: "target", method: request.method, body: request.body }),
  );
  redirector = await startFakeService((request, response) => {
    const path = new URL(request.path, "http://x").pathname;
    const location = redirects(path);
    if (!location) return sendJson(response, 200, { reached: "redirector", path });
    response.writeHead(location.status, { location: location.to });
    response.end();
  });
});
afterAll(async () => {
  await target.close();
  await redirector.close();
});

function redirects(path: string): { status: number; to: string } | undefined {
  const port = new URL(target.url).port;
  const table: Record<string, { status: number; to: string }> = {
    "/to-localhost": { status: 302, to: `http://localhost:${port}/` },
    "/to-ipv6-loopback": { status: 302, to: `http://[::1]:${port}/` },
    "/to-metadata": { status: 301, to: "http://169.254.169.254/latest/meta-data/" },
    "/hop-1": { status: 307, to: "/hop-2" },
    "/hop-2": { status: 303, to: `${target.url}/final` },
    "/loop": { status: 302, to: "/loop" },
  };
  return table[path];
}

/** Saves a one-step workflow calling `url` (retries allowed) and returns its run once ended. */
async function runRequest(server: TestServer, url: string, extra = ""): Promise<RunView> {
  workflowCount += 1;
  const name = `ssrf-${workflowCount}`;
  await applyYaml(
    server,
    `
name: ${name}
steps:
  - id: call
    type: http
    with: { url: "${url}"${extra} }
    retry: { attempts: 3, backoff: fixed, initialDelay: 10ms, jitter: false }
`,
  );
  return waitForRunEnd(server, await startRun(server, name));
}

/** The one attempt of the run's step, which a refusal must not retry. */
function refusal(run: RunView) {
  expect(run.status).toBe("failed");
  const [call] = run.steps;
  expect(call!.attempts).toHaveLength(1);
  expect(call!.error).toMatchObject({ kind: "blocked-address" });
  return call!.error!.message;
}

const ALLOW = "allow it with WEFT_HTTP_ALLOW_HOSTS";

describe("http steps by default", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { WEFT_HTTP_ALLOW_HOSTS: "" } });
  });
  afterAll(() => server.close());

  it("refuses a loopback address without connecting", async () => {
    const hits = target.requests.length;
    const run = await runRequest(server, `${target.url}/`);

    expect(refusal(run)).toBe(
      `http step refused ${target.url}/: 127.0.0.1 is a loopback address; ${ALLOW}`,
    );
    expect(target.requests.length).toBe(hits);
  });

  it("refuses localhost, [::1] and the IPv4-mapped loopback", async () => {
    const port = new URL(target.url).port;
    const hits = target.requests.length;

    const byName = await runRequest(server, `http://localhost:${port}/`);
    const ipv6 = await runRequest(server, `http://[::1]:${port}/`);
    const mapped = await runRequest(server, `http://[::ffff:127.0.0.1]:${port}/x?token=secret`);

    expect(refusal(byName)).toBe(
      `http step refused http://localhost:${port}/: localhost is a loopback host name; ${ALLOW}`,
    );
    expect(refusal(ipv6)).toBe(
      `http step refused http://[::1]:${port}/: ::1 is a loopback address; ${ALLOW}`,
    );
    // The URL parser's canonical form; the query, which may hold tokens, is left out.
    expect(refusal(mapped)).toBe(
      `http step refused http://[::ffff:7f00:1]:${port}/x: ` +
        `::ffff:7f00:1 is an IPv4-mapped form of 127.0.0.1, a loopback address; ${ALLOW}`,
    );
    expect(target.requests.length).toBe(hits);
  });

  it("refuses cloud metadata addresses before any connection", async () => {
    const ipv4 = await runRequest(server, "http://169.254.169.254/latest/meta-data/");
    const ipv6 = await runRequest(server, "http://[fd00:ec2::254]/latest/meta-data/");

    expect(refusal(ipv4)).toBe(
      "http step refused http://169.254.169.254/latest/meta-data/: " +
        `169.254.169.254 is a cloud metadata address; ${ALLOW}`,
    );
    expect(refusal(ipv6)).toBe(
      "http step refused http://[fd00:ec2::254]/latest/meta-data/: " +
        `fd00:ec2::254 is a cloud metadata address; ${ALLOW}`,
    );
  });
});

describe("http steps with only 127.0.0.1 allowed", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { WEFT_HTTP_ALLOW_HOSTS: "127.0.0.1" } });
  });
  afterAll(() => server.close());

  it("reaches the allowed address", async () => {
    const run = await runRequest(server, `${redirector.url}/plain`);
    expect(run.status).toBe("succeeded");
    expect(run.steps[0]!.output).toMatchObject({ body: { reached: "redirector", path: "/plain" } });
  });

  it.each([
    [
      "/to-localhost",
      (port: string) => `http://localhost:${port}/`,
      "localhost is a loopback host name",
    ],
    ["/to-ipv6-loopback", (port: string) => `http://[::1]:${port}/`, "::1 is a loopback address"],
    [
      "/to-metadata",
      () => "http://169.254.169.254/latest/meta-data/",
      "169.254.169.254 is a cloud metadata address",
    ],
  ])("refuses the redirect %s at the redirect", async (path, location, reason) => {
    const hits = target.requests.length;
    const run = await runRequest(server, `${redirector.url}${path}`);

    const to = location(new URL(target.url).port);
    expect(refusal(run)).toBe(
      `http step refused ${to} (redirected from ${redirector.url}${path}): ${reason}; ${ALLOW}`,
    );
    expect(target.requests.length).toBe(hits);
  });

  it("follows a redirect chain among allowed hosts and returns the last answer", async () => {
    const sent = redirector.requests.length;
    const hits = target.requests.length;
    const run = await runRequest(
      server,
      `${redirector.url}/hop-1`,
      ', method: POST, json: { n: 1 }, headers: { authorization: "Bearer hop-token" }',
    );

    expect(run.status).toBe("succeeded");
    // 307 keeps the method and body; 303 turns the request into a GET without a body.
    expect(run.steps[0]!.output).toMatchObject({
      status: 200,
      body: { reached: "target", method: "GET", body: "" },
    });
    const hops = redirector.requests.slice(sent);
    expect(hops.map((hop) => [hop.method, hop.path, hop.body])).toEqual([
      ["POST", "/hop-1", '{"n":1}'],
      ["POST", "/hop-2", '{"n":1}'],
    ]);
    expect(hops[1]!.headers.authorization).toBe("Bearer hop-token");
    // Another port is another origin: the credentials stay behind.
    const final = target.requests.slice(hits);
    expect(final).toHaveLength(1);
    expect(final[0]!.headers.authorization).toBeUndefined();
    expect(final[0]!.headers["content-type"]).toBeUndefined();
  });

  it("gives up after five redirects", async () => {
    const sent = redirector.requests.length;
    const run = await runRequest(server, `${redirector.url}/loop`);

    expect(run.status).toBe("failed");
    expect(run.steps[0]!.attempts).toHaveLength(1);
    expect(run.steps[0]!.error).toMatchObject({
      kind: "too-many-redirects",
      message: `${redirector.url}/loop redirected more than 5 times`,
    });
    expect(redirector.requests.length - sent).toBe(6);
  });
});

describe("http steps with an allow list", () => {
  it("lets a CIDR range through", async () => {
    const server = await startTestServer({ env: { WEFT_HTTP_ALLOW_HOSTS: "127.0.0.0/8" } });
    try {
      const run = await runRequest(server, `${target.url}/by-range`);
      expect(run.status).toBe("succeeded");
      expect(run.steps[0]!.output).toMatchObject({ body: { reached: "target" } });
    } finally {
      await server.close();
    }
  });

  it("lets a host name through", async () => {
    const server = await startTestServer({ env: { WEFT_HTTP_ALLOW_HOSTS: "localhost" } });
    try {
      const port = new URL(target.url).port;
      const byName = await runRequest(server, `http://localhost:${port}/by-name`);
      const byAddress = await runRequest(server, `${target.url}/by-address`);

      expect(byName.status).toBe("succeeded");
      expect(byName.steps[0]!.output).toMatchObject({ body: { reached: "target" } });
      // The name is allowed, not the addresses it resolves to.
      expect(refusal(byAddress)).toContain("127.0.0.1 is a loopback address");
    } finally {
      await server.close();
    }
  });
});
