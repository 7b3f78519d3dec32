import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/test-server.ts";

/** The OpenAPI document and the browsable docs. */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: unknown; tags?: string[] }>>;
  components: { schemas: Record<string, { type?: string; properties?: Record<string, unknown> }> };
}

describe("GET /api/openapi.json", () => {
  let doc: OpenApi;

  it("answers without a token", async () => {
    const response = await fetch(`${server.url}/api/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    doc = (await response.json()) as OpenApi;
  });

  it("is OpenAPI 3.1.0", () => {
    expect(doc.openapi).toBe("3.1.0");
  });

  it("lists the workflow and run paths", () => {
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/workflows",
        "/api/v1/workflows/{id}",
        "/api/v1/workflows/{id}/runs",
        "/api/v1/runs",
        "/api/v1/runs/{id}",
        "/api/v1/schedules",
        "/api/v1/tokens",
      ]),
    );
    expect(Object.keys(doc.paths["/api/v1/workflows"]!).sort()).toEqual(["get", "post"]);
  });

  it("hides the health, docs and root routes", () => {
    for (const path of ["/healthz", "/readyz", "/", "/api/openapi.json"]) {
      expect(doc.paths[path]).toBeUndefined();
    }
  });

  it("has the WorkflowDefinition schema, used by saving a workflow", () => {
    const schema = doc.components.schemas.WorkflowDefinition!;
    expect(schema.type).toBe("object");
    expect(Object.keys(schema.properties!)).toEqual(
      expect.arrayContaining(["name", "description", "tags", "triggers", "steps"]),
    );
    expect(doc.paths["/api/v1/workflows"]!.post!.requestBody).toMatchObject({
      content: {
        "application/json": { schema: { $ref: "#/components/schemas/WorkflowDefinition" } },
        "application/yaml": { schema: { type: "string" } },
      },
    });
    expect(doc.paths["/api/v1/workflows/{id}"]!.put!.requestBody).toMatchObject({
      content: {
        "application/json": { schema: { $ref: "#/components/schemas/WorkflowDefinition" } },
      },
    });
    expect(doc.paths["/api/v1/workflows/validate"]!.post!.requestBody).toMatchObject({
      content: {
        "application/json": { schema: { $ref: "#/components/schemas/WorkflowDefinition" } },
        "application/yaml": { schema: { type: "string" } },
      },
    });
  });
});

describe("GET /api/docs", () => {
  it("answers 200 HTML without a token, following redirects", async () => {
    const response = await fetch(`${server.url}/api/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await response.text()).toMatch(/<html/i);
  });

  it("answers / with the dashboard, or how to build it, as HTML without a token", async () => {
    const response = await fetch(`${server.url}/`, { redirect: "manual" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
  });
});
