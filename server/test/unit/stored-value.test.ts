import { describe, expect, it } from "vitest";
import {
  type SecretSource,
  SecretTracker,
  secretForms,
  toStoredJson,
} from "../../src/engine/stored-value.ts";

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

  it("masks a secret URL-encoded in a path and in a query, where a space is a plus", () => {
    const value = "p@ss word!/+x";
    const url = new URL("https://x.test/");
    url.pathname = `/keys/${encodeURIComponent(value)}`;
    url.searchParams.set("k", value);
    const stored = toStoredJson(
      { url: url.href },
      { maxBytes: 10_000, secrets: secretForms([value]) },
    );
    expect(JSON.parse(stored!).url).toBe("https://x.test/keys/[redacted]?k=[redacted]");
  });

  it("stores a marker instead of a value past the cap", () => {
    const stored = JSON.parse(toStoredJson("x".repeat(5000), { maxBytes: 1024, secrets: [] })!);
    expect(stored).toMatchObject({ $truncated: true, bytes: 5002 });
    expect(stored.preview).toHaveLength(1024);
  });
});

describe("SecretTracker", () => {
  /** A source whose snapshot a test replaces, as the secrets store does. */
  function source(initial: Record<string, string>) {
    const state = { snapshot: Object.freeze({ ...initial }), version: 1 };
    const replace = (next: Record<string, string>) => {
      state.snapshot = Object.freeze({ ...next });
      state.version += 1;
    };
    return { source: state as SecretSource, replace };
  }

  it("follows the source and keeps masking values that were replaced or deleted", () => {
    const { source: live, replace } = source({ A: "first-value" });
    const tracker = new SecretTracker(live);
    expect(tracker.forms).toContain("first-value");

    replace({ A: "second-value", B: "other-value" });
    expect(tracker.snapshot).toEqual({ A: "second-value", B: "other-value" });
    replace({});
    expect(tracker.snapshot).toEqual({});
    expect(tracker.forms).toEqual(
      expect.arrayContaining(["first-value", "second-value", "other-value"]),
    );
  });

  it("masks a value read through the snapshot even if it changed before anything was stored", () => {
    const { source: live, replace } = source({ A: "read-then-deleted" });
    const tracker = new SecretTracker(live);
    expect(tracker.snapshot.A).toBe("read-then-deleted");
    replace({});
    expect(tracker.forms).toContain("read-then-deleted");
  });
});
