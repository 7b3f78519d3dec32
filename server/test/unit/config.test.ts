import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/config.ts";

function faults(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.faults;
    throw error;
  }
  return [];
}

describe("loadConfig", () => {
  it("has working defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 8080,
      leaseMs: 30_000,
      logLevel: "info",
    });
  });

  it("names each bad variable with the expected form", () => {
    expect(faults({ WEFT_PORT: "abc", WEFT_LEASE_DURATION: "0s", WEFT_LOG_LEVEL: "loud" })).toEqual(
      [
        'WEFT_PORT="abc": must be a whole number from 0 to 65535',
        'WEFT_LOG_LEVEL="loud": Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent"',
        'WEFT_LEASE_DURATION="0s": must be between 300ms and 1h',
      ],
    );
  });
});

describe("unknown variables", () => {
  it("lists every WEFT_ variable it does not know, such as typos", () => {
    const config = loadConfig({
      WEFT_PORTT: "9000",
      WEFT_SECRET_KEYS: "a-typo-of-WEFT_SECRET_KEY",
      WEFT_PORT: "9001",
      HOME: "/root",
    });
    expect(config.unknownVariables).toEqual(["WEFT_PORTT", "WEFT_SECRET_KEYS"]);
    expect(config.port).toBe(9001);
  });
});
