import { describe, expect, it } from "vitest";
import { secretForms, toStoredJson } from "../../src/engine/stored-value.ts";

describe("toStoredJson", () => {
  const secrets = secretForms(["hunter2-secret"]);

  it("masks a secret as is, URL-encoded and in base64", () => {
    const value = {
      plain: "token hunter2-secret",
      header: `Basic ${Buffer.from("hunter2-secret").toString("base64")}`,
      url: "https://x.test/?k=hunter2-secret",
    };
    const stored = toStoredJson(value, { maxBytes: 10_000, secrets });
    expect(stored).not.toContain("hunter2-secret");
    expect(stored).not.toContain(
      Buffer.from("hunter2-secret").toString("base64").replace(/=+$/, ""),
    );
    expect(JSON.parse(stored!).plain).toBe("token [redacted]");
  });

  it("stores a marker instead of a value past the cap", () => {
    const stored = JSON.parse(toStoredJson("x".repeat(5000), { maxBytes: 1024, secrets: [] })!);
    expect(stored).toMatchObject({ $truncated: true, bytes: 5002 });
    expect(stored.preview).toHaveLength(1024);
  });
});
