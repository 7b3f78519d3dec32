import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.ts";

const KEY = "k".repeat(40);

function faults(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.faults;
    throw error;
  }
  return [];
}

describe("production mode", () => {
  it("follows NODE_ENV unless WEFT_ENV says otherwise", () => {
    expect(loadConfig({ NODE_ENV: "production", WEFT_SECRET_KEY: KEY }).env).toBe("production");
    expect(loadConfig({ NODE_ENV: "production", WEFT_ENV: "development" }).env).toBe("development");
    expect(loadConfig({}).env).toBe("development");
  });

  it("refuses to start without a secret key, with any-origin CORS or pretty logs", () => {
    expect(
      faults({ WEFT_ENV: "production", WEFT_CORS_ORIGINS: "*", WEFT_LOG_FORMAT: "pretty" }),
    ).toEqual([
      'WEFT_SECRET_KEY="": is required in production: set it to at least 32 random characters (openssl rand -base64 32)',
      'WEFT_CORS_ORIGINS="*": `*` is refused in production: list origins',
      'WEFT_LOG_FORMAT="pretty": pretty logs are for development: use json',
    ]);
  });

  it("logs JSON in production and pretty lines in development by default", () => {
    expect(loadConfig({ WEFT_ENV: "production", WEFT_SECRET_KEY: KEY }).logFormat).toBe("json");
    expect(loadConfig({}).logFormat).toBe("pretty");
  });
});

describe("values", () => {
  it("parses defaults through their own rules: durations are milliseconds", () => {
    const config = loadConfig({});
    expect(config.sessionTtlMs).toBe(7 * 86_400_000);
    expect(config.hstsMaxAgeSeconds).toBe(180 * 86_400);
    expect(config.rateLimits).toEqual({
      signIn: { max: 10, windowMs: 60_000 },
      api: { max: 1200, windowMs: 60_000 },
      webhook: { max: 600, windowMs: 60_000 },
      lockoutAfter: 5,
      lockoutMs: 15 * 60_000,
    });
    expect(config.runRetentionMs).toBeUndefined();
    expect(config.backups.dir).toBe(join(config.dataDir, "backups"));
  });

  it("reads lists, rates and off", () => {
    const config = loadConfig({
      WEFT_TRUSTED_PROXIES: "127.0.0.1, 10.0.0.0/8,::1",
      WEFT_CORS_ORIGINS: "https://app.example.com/",
      WEFT_RATE_LIMIT_API: "off",
      WEFT_RATE_LIMIT_WEBHOOK: "5/10s",
      WEFT_HTTP_ALLOW_HOSTS: "API.internal,*.corp.example,192.168.0.0/16",
    });
    expect(config.trustedProxies).toEqual(["127.0.0.1", "10.0.0.0/8", "::1"]);
    expect(config.corsOrigins).toEqual(["https://app.example.com"]);
    expect(config.rateLimits.api).toBeUndefined();
    expect(config.rateLimits.webhook).toEqual({ max: 5, windowMs: 10_000 });
    expect(config.httpAllowHosts).toEqual(["api.internal", "*.corp.example", "192.168.0.0/16"]);
  });

  it("names each bad list item, rate and cron", () => {
    expect(
      faults({
        WEFT_TRUSTED_PROXIES: "10.0.0.0/33,proxy",
        WEFT_CORS_ORIGINS: "https://a.example/path",
        WEFT_RATE_LIMIT_SIGNIN: "ten",
        WEFT_BACKUP_SCHEDULE: "99 * * *",
        WEFT_HTTP_ALLOW_HOSTS: "bad host",
      }),
    ).toEqual([
      'WEFT_TRUSTED_PROXIES="10.0.0.0/33,proxy": "10.0.0.0/33" has a bad prefix length',
      'WEFT_TRUSTED_PROXIES="10.0.0.0/33,proxy": "proxy" is not an IP address or CIDR range',
      'WEFT_CORS_ORIGINS="https://a.example/path": "https://a.example/path" is not an origin such as https://app.example.com (scheme, host, port; no path)',
      'WEFT_RATE_LIMIT_SIGNIN="ten": must be a count per window such as 10/1m (window 1s or more), or off',
      'WEFT_HTTP_ALLOW_HOSTS="bad host": "bad host" is not a host name, *.domain, IP address or CIDR range',
      expect.stringMatching(/^WEFT_BACKUP_SCHEDULE="99 \* \* \*": is not a cron expression: /),
    ]);
  });

  it("never echoes a secret key in a fault", () => {
    const lines = faults({ WEFT_SECRET_KEY: "short-secret-value" });
    expect(lines).toEqual(["WEFT_SECRET_KEY=(hidden): must be at least 32 characters"]);
    expect(lines.join("\n")).not.toContain("short-secret-value");
  });
});

describe("TLS", () => {
  it("needs both files, readable", () => {
    const dir = mkdtempSync(join(tmpdir(), "weft-config-"));
    const cert = join(dir, "cert.pem");
    writeFileSync(cert, "x");
    expect(faults({ WEFT_TLS_CERT: cert })).toEqual([
      'WEFT_TLS_KEY="": must be set together with the other of WEFT_TLS_CERT/KEY',
    ]);
    expect(faults({ WEFT_TLS_CERT: cert, WEFT_TLS_KEY: join(dir, "missing.pem") })).toEqual([
      `WEFT_TLS_KEY="${join(dir, "missing.pem")}": is not a readable file`,
    ]);
    expect(faults({ WEFT_HTTP_REDIRECT_PORT: "8081" })).toEqual([
      'WEFT_HTTP_REDIRECT_PORT="8081": only applies with WEFT_TLS_CERT and WEFT_TLS_KEY',
    ]);
    expect(loadConfig({ WEFT_TLS_CERT: cert, WEFT_TLS_KEY: cert }).tls).toEqual({
      certFile: cert,
      keyFile: cert,
      redirectPort: undefined,
    });
  });
});

describe("empty values and placeholders", () => {
  it("reads an empty variable as unset", () => {
    const config = loadConfig({ WEFT_BACKUP_SCHEDULE: "", WEFT_PUBLIC_URL: "", WEFT_PORT: "" });
    expect(config.backups.schedule).toBeUndefined();
    expect(config.publicUrl).toBeUndefined();
    expect(config.port).toBe(8080);
  });

  it("refuses a placeholder copied as the secret key", () => {
    expect(faults({ WEFT_SECRET_KEY: "<output of: openssl rand -base64 32>" })).toEqual([
      "WEFT_SECRET_KEY=(hidden): must be a generated key: no spaces or <>, e.g. openssl rand -base64 32",
    ]);
  });
});
