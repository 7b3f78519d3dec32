import { describe, expect, it } from "vitest";
import type { ApiToken, UserListItem } from "../../api/answers.ts";
import { tokenStatus } from "../account/token-table.tsx";
import { statusOf } from "./users-api.ts";

const NOW = Date.parse("2026-12-04T12:00:00Z");

const user = (over: Partial<UserListItem>): UserListItem => ({
  id: "u1",
  email: "ada@example.test",
  role: "editor",
  disabled: false,
  createdAt: "2026-12-01T00:00:00.000Z",
  lockedUntil: null,
  lastSignInAt: null,
  ...over,
});

const token = (over: Partial<ApiToken>): ApiToken => ({
  id: "t1",
  name: "deploy",
  expiresAt: null,
  revoked: false,
  lastUsedAt: null,
  createdAt: "2026-12-01T00:00:00.000Z",
  ...over,
});

describe("statusOf", () => {
  it("calls a user active, locked until the lock ends, or disabled whatever the lock", () => {
    expect(statusOf(user({}), NOW)).toBe("active");
    expect(statusOf(user({ lockedUntil: "2026-12-04T12:10:00Z" }), NOW)).toBe("locked");
    expect(statusOf(user({ lockedUntil: "2026-12-04T11:50:00Z" }), NOW)).toBe("active");
    expect(statusOf(user({ disabled: true, lockedUntil: "2026-12-04T12:10:00Z" }), NOW)).toBe(
      "disabled",
    );
  });
});

describe("tokenStatus", () => {
  it("calls a token active, expired once its time passed, or revoked", () => {
    expect(tokenStatus(token({}), NOW)).toBe("active");
    expect(tokenStatus(token({ expiresAt: "2026-12-05T00:00:00Z" }), NOW)).toBe("active");
    expect(tokenStatus(token({ expiresAt: "2026-12-04T00:00:00Z" }), NOW)).toBe("expired");
    expect(tokenStatus(token({ revoked: true, expiresAt: "2026-12-04T00:00:00Z" }), NOW)).toBe(
      "revoked",
    );
  });
});
