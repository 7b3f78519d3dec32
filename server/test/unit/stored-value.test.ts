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

  it("masks a secret's base64 inside a longer encoded value, such as a Basic header", () => {
    for (const prefix of ["", "u:", "user:", "someone:"]) {
      const header = `Basic ${Buffer.from(`${prefix}hunter2-secret`).toString("base64")}`;
      const stored = toStoredJson({ header }, { maxBytes: 10_000, secrets })!;
      expect(stored, prefix).toContain("[redacted]");
      const decoded = Buffer.from(
        JSON.parse(stored).header.slice(6).replace("[redacted]", ""),
        "base64",
      );
      expect(decoded.toString("latin1"), prefix).not.toContain("hunter2");
    }
  });

  it("stores a marker instead of a value past the cap", () => {
    const stored = JSON.parse(toStoredJson("x".repeat(5000), { maxBytes: 1024, secrets: [] })!);
    expect(stored).toMatchObject({ $truncated: true, bytes: 5002 });
    expect(stored.preview).toHaveLength(1024);
  });
});
