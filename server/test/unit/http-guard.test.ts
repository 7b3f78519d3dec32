import type { LookupAddress } from "node:dns";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createHttpGuard,
  RefusedHostError,
  type Resolver,
} from "../../src/engine/steps/http-guard.ts";

/** A resolver with fixed answers, standing in for DNS that a test cannot set up. */
const records: Record<string, LookupAddress[]> = {
  "rebind.test": [{ address: "127.0.0.1", family: 4 }],
  "twin.test": [
    { address: "127.0.0.2", family: 4 },
    { address: "127.0.0.1", family: 4 },
  ],
  "svc.internal": [{ address: "127.0.0.1", family: 4 }],
  "api.corp.example": [{ address: "127.0.0.1", family: 4 }],
};
const resolve: Resolver = async (hostname) => {
  const answer = records[hostname];
  if (answer) return answer;
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
};

/** Two services on one port: 127.0.0.1 (the allowed one) and 127.0.0.2 (refused). */
let primary: Server;
let twin: Server;
let port: number;
const hits = { primary: 0, twin: 0 };

beforeAll(async () => {
  primary = createServer((_req, res) => {
    hits.primary += 1;
    res.end("primary");
  });
  primary.listen(0, "127.0.0.1");
  await once(primary, "listening");
  port = (primary.address() as AddressInfo).port;
  twin = createServer((_req, res) => {
    hits.twin += 1;
    res.end("twin");
  });
  twin.listen(port, "127.0.0.2");
  await once(twin, "listening");
});

afterAll(async () => {
  for (const server of [primary, twin]) {
    server.closeAllConnections();
    server.close();
    await once(server, "close");
  }
});

describe("http guard: hosts in the URL", () => {
  const guard = createHttpGuard({});
  const refusal = (url: string) => {
    try {
      guard.checkHost(new URL(url));
      return undefined;
    } catch (error) {
      if (!(error instanceof RefusedHostError)) throw error;
      return error.reason;
    }
  };

  it.each([
    ["http://127.0.0.1:8080/", "127.0.0.1 is a loopback address"],
    ["http://2130706433/", "127.0.0.1 is a loopback address"],
    ["http://0x7f.1/", "127.0.0.1 is a loopback address"],
    ["http://0177.0.0.1/", "127.0.0.1 is a loopback address"],
    ["http://0/", "0.0.0.0 is an unspecified address"],
    ["http://[::1]/", "::1 is a loopback address"],
    ["http://[::]/", ":: is an unspecified address"],
    [
      "http://[::ffff:127.0.0.1]/",
      "::ffff:7f00:1 is an IPv4-mapped form of 127.0.0.1, a loopback address",
    ],
    [
      "http://[::127.0.0.1]/",
      "::7f00:1 is an IPv4-compatible form of 127.0.0.1, a loopback address",
    ],
    ["https://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata address"],
    ["http://[fd00:ec2::254]/", "fd00:ec2::254 is a cloud metadata address"],
    ["http://[fe80::1]/", "fe80::1 is a link-local address"],
    ["http://10.0.0.1/", "10.0.0.1 is a private address"],
    ["http://100.64.0.1/", "100.64.0.1 is a carrier-grade NAT address"],
    ["http://localhost:3000/", "localhost is a loopback host name"],
    ["http://LOCALHOST./", "localhost is a loopback host name"],
    ["http://app.localhost/", "app.localhost is a loopback host name"],
  ])("refuses %s: %s", (url, reason) => {
    expect(refusal(url)).toBe(reason);
  });

  it("leaves public addresses and other names to the connection", () => {
    expect(refusal("https://93.184.216.34/")).toBeUndefined();
    expect(refusal("https://[2606:4700:4700::1111]/")).toBeUndefined();
    expect(refusal("https://api.example.com/")).toBeUndefined();
    expect(refusal("https://localhost.example.com/")).toBeUndefined();
  });

  it("lets allowed addresses, ranges and names through", () => {
    const allowing = createHttpGuard({
      allowHosts: ["127.0.0.1", "10.0.0.0/8", "fd00::/8", "localhost", "*.corp.example"],
    });
    const passes = (url: string) => {
      allowing.checkHost(new URL(url));
      return true;
    };

    expect(passes("http://127.0.0.1:8080/")).toBe(true);
    expect(passes("http://[::ffff:127.0.0.1]/")).toBe(true);
    expect(passes("http://10.200.3.4/")).toBe(true);
    expect(passes("http://[fd12::1]/")).toBe(true);
    expect(passes("http://localhost/")).toBe(true);
    expect(() => allowing.checkHost(new URL("http://127.0.0.2/"))).toThrow(
      "127.0.0.2 is a loopback address",
    );
    expect(() => allowing.checkHost(new URL("http://172.16.0.1/"))).toThrow(
      "172.16.0.1 is a private address",
    );
    expect(() => allowing.checkHost(new URL("http://[fc00::1]/"))).toThrow(
      "fc00::1 is a private (unique local) address",
    );
    expect(() => allowing.checkHost(new URL("http://a.localhost/"))).toThrow(
      "a.localhost is a loopback host name",
    );
  });
});

describe("http guard: addresses a name resolves to", () => {
  it("refuses a name that resolves to loopback without connecting", async () => {
    const guard = createHttpGuard({ resolve });
    const before = { ...hits };

    const error = await fetch(`http://rebind.test:${port}/`, { dispatcher: guard.dispatcher })
      .then(() => undefined)
      .catch((thrown: Error) => thrown.cause);

    expect(error).toBeInstanceOf(RefusedHostError);
    expect((error as RefusedHostError).reason).toBe(
      "rebind.test resolves to 127.0.0.1, a loopback address",
    );
    expect(hits).toEqual(before);
  });

  it("checks the addresses of an https URL the same way", async () => {
    const guard = createHttpGuard({ resolve });
    const before = { ...hits };

    const error = await fetch(`https://rebind.test:${port}/`, { dispatcher: guard.dispatcher })
      .then(() => undefined)
      .catch((thrown: Error) => thrown.cause);

    expect((error as RefusedHostError).reason).toBe(
      "rebind.test resolves to 127.0.0.1, a loopback address",
    );
    expect(hits).toEqual(before);
  });

  it("dials only the allowed one of several addresses", async () => {
    const guard = createHttpGuard({ resolve, allowHosts: ["127.0.0.1"] });
    const before = { ...hits };

    const response = await fetch(`http://twin.test:${port}/`, { dispatcher: guard.dispatcher });

    expect(await response.text()).toBe("primary");
    expect(hits).toEqual({ primary: before.primary + 1, twin: before.twin });
  });

  it("takes every address of a name the allow list names", async () => {
    const guard = createHttpGuard({ resolve, allowHosts: ["twin.test", "*.corp.example"] });

    const twinAnswer = await fetch(`http://twin.test:${port}/`, { dispatcher: guard.dispatcher });
    const wildcard = await fetch(`http://api.corp.example:${port}/`, {
      dispatcher: guard.dispatcher,
    });

    // The resolver's first answer is dialled first, as the system resolver's would be.
    expect(await twinAnswer.text()).toBe("twin");
    expect(await wildcard.text()).toBe("primary");
  });

  it("does not let a wildcard match the bare domain or a look-alike", async () => {
    const resolveLoopback: Resolver = async () => [{ address: "127.0.0.1", family: 4 }];
    const guard = createHttpGuard({ resolve: resolveLoopback, allowHosts: ["*.corp.example"] });
    const before = { ...hits };

    for (const host of ["corp.example", "evilcorp.example"]) {
      const error = await fetch(`http://${host}:${port}/`, { dispatcher: guard.dispatcher })
        .then(() => undefined)
        .catch((thrown: Error) => thrown.cause);
      expect((error as RefusedHostError).reason).toBe(
        `${host} resolves to 127.0.0.1, a loopback address`,
      );
    }
    expect(hits).toEqual(before);
  });

  it("passes a resolver failure on as it is", async () => {
    const guard = createHttpGuard({ resolve });
    const error = await fetch("http://missing.test/", { dispatcher: guard.dispatcher })
      .then(() => undefined)
      .catch((thrown: Error) => thrown.cause);

    expect(error).not.toBeInstanceOf(RefusedHostError);
    expect(error).toMatchObject({ code: "ENOTFOUND" });
  });
});
