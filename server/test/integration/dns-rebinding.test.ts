import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/test-server.ts";

/**
 * A page on a name the attacker controls that re-resolves to Weft sends matching Host and
 * Origin headers. Without WEFT_PUBLIC_URL, only addresses and localhost count as Weft's own.
 */

let server: TestServer;
const port = () => new URL(server.url).port;
beforeAll(async () => {
  server = await startTestServer({ noAdmin: true });
});
afterAll(() => server.close());

/** node:http, since fetch sets the Host header itself, as a browser does. */
function setup(host: string): Promise<{ status: number }> {
  const body = JSON.stringify({ email: "attacker@evil.example", password: "0123456789abcdef" });
  return new Promise((resolve, reject) => {
    const call = request(
      `${server.url}/api/v1/setup`,
      {
        method: "POST",
        headers: { host, origin: `http://${host}`, "content-type": "application/json" },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode ?? 0 }));
      },
    );
    call.on("error", reject);
    call.end(body);
  });
}

describe("the own origin without WEFT_PUBLIC_URL", () => {
  it("is refused under a rebound host name, and no admin is made", async () => {
    const response = await setup(`rebind.evil.example:${port()}`);
    expect(response.status).toBe(403);
    const users = await server.weft.store.db.selectFrom("users").select("email").execute();
    expect(users).toEqual([]);
  });

  it("is accepted under the address the server is reached at", async () => {
    const response = await setup(`127.0.0.1:${port()}`);
    expect(response.status).toBe(201);
  });
});
