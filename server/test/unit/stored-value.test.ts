import { describe, expect, it } from "vitest";
import {
  type SecretSource,
  SecretTracker,
  redactCutEnd,
  redactValue,
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

describe("secretForms in URLs, JSON and base64", () => {
  const values = [
    "open sesame/path@x:y-BBBB",
    "<script>&amp;-GGGG",
    'quo"te\\back-CCCC',
    "tab\there\nline-DDDD",
    "äöüé-grün-EEEE",
    "cut?by#marks-FFFF",
  ];
  const forms = secretForms(values);
  const store = (value: unknown) => toStoredJson(value, { maxBytes: 100_000, secrets: forms })!;

  /** Every piece of a secret that must not survive, as the URL parser may write it. */
  function expectMasked(stored: string, value: string) {
    for (const piece of [value, encodeURIComponent(value), ...value.split(/[?#]/)]) {
      if (piece.length >= 4) expect(stored, piece).not.toContain(piece);
    }
  }

  it("masks the secret as new URL() writes it in the path, query, fragment and userinfo", () => {
    for (const value of values) {
      const inPath = new URL(`http://host/p/${value}`).href;
      const inQuery = new URL(`http://host/p?k=${value}`).href;
      const inFragment = new URL(`http://host/p#${value}`).href;
      const user = new URL("http://host/");
      user.username = value;
      user.password = value;
      const stored = store({ inPath, inQuery, inFragment, user: user.href });
      const encoded = [
        inPath.slice("http://host/p/".length),
        inQuery.slice("http://host/p?k=".length),
        inFragment.slice("http://host/p#".length),
        user.username,
        user.password,
      ];
      for (const piece of encoded) expect(stored, value).not.toContain(piece);
      expectMasked(stored, value);
      expect(stored).toContain("http://host/p/[redacted]");
    }
  });

  it("masks the exact forms the security test found", () => {
    const stored = store({
      a: "GET http://h/p/open%20sesame/path@x:y-BBBB failed",
      b: "GET http://h/p/%3Cscript%3E&amp;-GGGG failed",
      c: "GET http://h/p?k=quo%22te\\back-CCCC failed",
    });
    expect(JSON.parse(stored)).toEqual({
      a: "GET http://h/p/[redacted] failed",
      b: "GET http://h/p/[redacted] failed",
      c: "GET http://h/p?k=[redacted] failed",
    });
  });

  it("masks a secret in JSON kept as a string inside JSON, control characters included", () => {
    for (const value of values) {
      const echoed = JSON.stringify({ k: value });
      const stored = store({ body: echoed, twice: JSON.stringify(echoed) });
      expect(stored, value).not.toContain(JSON.stringify(JSON.stringify(value)).slice(1, -1));
      expect(stored, value).not.toContain(JSON.stringify(value).slice(1, -1));
      expect(JSON.parse(stored).body, value).toBe('{"k":"[redacted]"}');
    }
  });

  it("masks the Latin-1 base64 that jsonata's $base64encode makes, at every offset", () => {
    const value = "äöüé-grün-EEEE";
    for (const prefix of ["", "u:", "user:"]) {
      const latin1 = Buffer.from(`${prefix}${value}`, "latin1").toString("base64");
      const stored = store({ header: `Basic ${latin1}` });
      const left = JSON.parse(stored).header.slice(6).replace("[redacted]", "");
      expect(stored, prefix).toContain("[redacted]");
      expect(Buffer.from(left, "base64").toString("latin1"), prefix).not.toContain("grün");
    }
  });

  it("masks the base64 of a URL-encoded secret, as in a binary body", () => {
    const value = "open sesame/path@x:y-BBBB";
    for (const prefix of ["", "k=", "key="]) {
      const body = Buffer.from(`${prefix}${encodeURIComponent(value)}`).toString("base64");
      const left = JSON.parse(store({ body })).body.replace("[redacted]", "");
      expect(Buffer.from(left, "base64").toString("latin1"), prefix).not.toContain("sesame");
    }
  });
});

describe("redactCutEnd", () => {
  const forms = secretForms(["s3cr3t-plain-value-ABCD"]);

  it("masks a trailing piece of a secret left by a cut, not shorter ones", () => {
    expect(redactCutEnd("body …s3cr3t-plain-value-A", forms)).toBe("body …[redacted]");
    expect(redactCutEnd("body s3cr", forms)).toBe("body [redacted]");
    expect(redactCutEnd("body s3c", forms)).toBe("body s3c");
    expect(redactCutEnd("s3cr3t in the middle", forms)).toBe("s3cr3t in the middle");
  });

  it("ignores a character broken by the byte cut", () => {
    expect(redactCutEnd("x s3cr3t-pl\uFFFD", forms)).toBe("x [redacted]");
  });

  it("is applied by redactValue to the strings of a preview marked truncated", () => {
    const preview = `${"x".repeat(2030)}s3cr3t-plain-value-A`;
    const error = { details: { status: 500, body: preview, truncated: true }, message: "s3cr" };
    const redacted = redactValue(error, forms);
    expect(redacted.details.body).toBe(`${"x".repeat(2030)}[redacted]`);
    expect(redacted.message).toBe("s3cr");
  });

  it("masks the cut end of a base64 preview of a binary body", () => {
    const bytes = Buffer.from("\u0000\u0001binary s3cr3t-plain-value-ABCD tail");
    const base64 = bytes.toString("base64").slice(0, 24);
    const redacted = redactValue({ body: { base64 }, truncated: true }, forms);
    expect(redacted.body.base64).toMatch(/\[redacted\]$/);
    const left = Buffer.from(redacted.body.base64.replace("[redacted]", ""), "base64");
    expect(left.toString("latin1")).not.toContain("s3cr");
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
