import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateToken, hashToken } from "../../src/auth/tokens.ts";
import { createUser } from "../../src/auth/users.ts";
import { insertToken } from "../../src/store/users.ts";
import { startTestServer, type TestServer } from "../helpers/test-server.ts";

/** Changing one's password through real HTTP, as a holder of the user's token. */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { WEFT_SIGNIN_LOCKOUT_AFTER: "3" } });
});
afterAll(() => server.close());

async function userWithToken(email: string, password: string): Promise<string> {
  const user = await createUser(server.weft.store.db, { email, password, role: "viewer" });
  const token = generateToken("weft");
  await insertToken(server.weft.store.db, {
    userId: user.id,
    name: "t",
    hash: hashToken(token),
    expiresAt: null,
  });
  return token;
}

const change = (token: string, currentPassword: string, newPassword: string) =>
  server.api("/api/v1/session/password", {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    json: { currentPassword, newPassword },
  });

describe("POST /api/v1/session/password", () => {
  it("counts wrong current passwords like sign-ins: locked after the limit, audited", async () => {
    const token = await userWithToken("guessed@example.test", "the-real-password");
    for (let i = 0; i < 3; i += 1) {
      const response = await change(token, `guess-number-${i}`, "a-brand-new-password");
      expect(response.status).toBe(403);
    }
    // Locked now: even the right current password is refused, with the same answer.
    const locked = await change(token, "the-real-password", "a-brand-new-password");
    expect(locked.status).toBe(403);
    expect(((await locked.json()) as { detail: string }).detail).toBe("currentPassword is wrong");

    const audit = await server.api("/api/v1/audit?action=user.password&outcome=failure");
    const { items } = (await audit.json()) as { items: { targetId: string }[] };
    expect(items.filter((item) => item.targetId === "guessed@example.test")).toHaveLength(4);
  });

  it("refuses a new password that is the current one once normalised (NFKC)", async () => {
    const token = await userWithToken("nfkc@example.test", "password-editor-1");
    const response = await change(token, "password-editor-1", "password-editor-\uff11");
    expect(response.status).toBe(422);
    expect(JSON.stringify(await response.json())).toContain("must differ from currentPassword");
  });
});
