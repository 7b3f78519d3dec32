import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseStages } from "../../../deploy/replay-dockerfile.ts";

/** deploy/docker-compose.yml against the Compose specification's own schema, without Docker. */

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const deploy = join(repoRoot, "deploy");
// shared/ lies beside the repository, in CI as on a developer's machine.
const schemaFile = join(repoRoot, "../shared/data/compose-spec/compose-spec.json");

interface Service {
  build?: { context: string; dockerfile: string };
  image?: string;
  env_file?: string;
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  networks?: Record<string, { ipv4_address?: string }> | string[];
  profiles?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}
interface ComposeFile {
  services: Record<string, Service>;
  networks: Record<string, { ipam: { config: { subnet: string }[] } }>;
  volumes: Record<string, unknown>;
}

const compose = parse(readFileSync(join(deploy, "docker-compose.yml"), "utf8")) as ComposeFile;
const { weft, nginx, postgres, redis } = compose.services;

/** The schema is draft-07, Ajv's default draft; its `$schema` URL is not the meta-schema's id. */
function compileSchema(): ValidateFunction {
  if (!existsSync(schemaFile)) throw new Error(`the Compose schema is missing: ${schemaFile}`);
  const { $schema, ...schema } = JSON.parse(readFileSync(schemaFile, "utf8"));
  expect($schema).toMatch(/draft-07/);
  // Unknown keywords still fail; the schema's union types and untyped objects are its style.
  return new Ajv({ allErrors: true, allowUnionTypes: true, strictTypes: false }).compile(schema);
}

describe("deploy/docker-compose.yml", () => {
  it("is valid by the Compose specification's schema", () => {
    const validate = compileSchema();
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);

    // The schema is strict enough to catch a misspelt key.
    const misspelt = structuredClone(compose) as unknown as { services: Record<string, object> };
    misspelt.services.weft = { ...misspelt.services.weft, restart_policy: "always" };
    expect(validate(misspelt)).toBe(false);
    expect(validate.errors?.[0]?.message).toBe("must NOT have additional properties");
  });

  it("builds Weft from deploy/Dockerfile and keeps its data in the image's volumes", () => {
    expect(weft?.build).toEqual({ context: "..", dockerfile: "deploy/Dockerfile" });
    expect(weft?.env_file).toBe(".env.production");
    const final = parseStages(readFileSync(join(deploy, "Dockerfile"), "utf8")).at(-1)!;
    const volume = final.steps.find((step) => step.keyword === "VOLUME")!;
    const mounted = (weft?.volumes ?? []).map((entry) => entry.split(":")[1]);
    expect(mounted).toEqual(JSON.parse(volume.content));
    for (const entry of weft?.volumes ?? [])
      expect(Object.keys(compose.volumes)).toContain(entry.split(":")[0]);

    const healthcheck = final.steps.find((step) => step.keyword === "HEALTHCHECK")!;
    const command = JSON.parse(/CMD\s+(\[.*\])/.exec(healthcheck.content)![1]!);
    expect(weft?.healthcheck?.test).toEqual(["CMD", ...command]);
  });

  it("publishes only nginx, which Weft trusts by its fixed address", () => {
    expect(weft?.ports).toBeUndefined();
    expect(nginx?.ports).toEqual(["80:80", "443:443"]);
    expect(nginx?.depends_on).toEqual({ weft: { condition: "service_healthy" } });

    const address = (nginx!.networks as Record<string, { ipv4_address: string }>).weft!;
    expect(weft?.environment?.WEFT_TRUSTED_PROXIES).toBe(address.ipv4_address);
    const subnet = compose.networks.weft!.ipam.config[0]!.subnet;
    expect(address.ipv4_address.startsWith(subnet.replace(/\.0\/24$/, "."))).toBe(true);
  });

  it("mounts nginx's files from deploy/nginx", () => {
    const sources = (nginx?.volumes ?? []).map((entry) => entry.split(":"));
    const files = sources.filter(([source]) => source!.includes("/nginx/"));
    expect(files.map(([, target]) => target)).toEqual([
      "/etc/nginx/conf.d/default.conf",
      "/etc/nginx/weft-upstream.conf",
    ]);
    for (const [source] of files) expect(existsSync(join(deploy, source!))).toBe(true);
    const upstream = readFileSync(join(deploy, "nginx/weft-upstream.compose.conf"), "utf8");
    expect(upstream).toContain("server weft:8080;");
  });

  it("adds PostgreSQL 17 and Redis 7 with health checks only in the distributed profile", () => {
    expect(postgres?.image).toBe("postgres:17");
    expect(redis?.image).toBe("redis:7");
    for (const service of [postgres, redis]) {
      expect(service?.profiles).toEqual(["distributed"]);
      expect(service?.healthcheck?.test.length).toBeGreaterThan(0);
      expect(service?.volumes?.length).toBe(1);
    }
    expect(weft?.profiles).toBeUndefined();
    expect(nginx?.profiles).toBeUndefined();
  });
});
