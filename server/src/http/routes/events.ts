import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RunEvent } from "../../events/event-map.ts";
import type { Services } from "../services.ts";

const message = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("subscribe"),
    runId: z.string().optional(),
    workflowId: z.string().optional(),
    all: z.boolean().optional(),
  }),
  z.object({
    type: z.literal("unsubscribe"),
    runId: z.string().optional(),
    workflowId: z.string().optional(),
    all: z.boolean().optional(),
  }),
]);

/**
 * The live feed at `/api/v1/events`: a signed-in client subscribes to runs or workflows
 * (`{"type":"subscribe","runId":"…"}`) and receives their events as they are recorded.
 */
export function registerEventRoutes(app: FastifyInstance, services: Services): void {
  app.get(
    "/api/v1/events",
    {
      websocket: true,
      config: { access: "viewer" },
      schema: { tags: ["runs"], summary: "Live run events (WebSocket)" },
    },
    (socket) => {
      const runs = new Set<string>();
      const workflows = new Set<string>();
      let all = false;

      const unsubscribe = services.bus.subscribe((event: RunEvent) => {
        if (!all && !runs.has(event.runId) && !workflows.has(event.workflowId)) return;
        socket.send(JSON.stringify({ type: "event", event }));
      });
      socket.on("close", unsubscribe);

      socket.on("message", (data: Buffer) => {
        let parsed: z.infer<typeof message>;
        try {
          parsed = message.parse(JSON.parse(data.toString("utf8")));
        } catch {
          socket.send(
            JSON.stringify({
              type: "error",
              message:
                'send {"type":"subscribe","runId":"…"} or {"type":"subscribe","workflowId":"…"}',
            }),
          );
          return;
        }
        const add = parsed.type === "subscribe";
        if (parsed.runId) add ? runs.add(parsed.runId) : runs.delete(parsed.runId);
        if (parsed.workflowId)
          add ? workflows.add(parsed.workflowId) : workflows.delete(parsed.workflowId);
        if (parsed.all !== undefined) all = add && parsed.all;
        socket.send(
          JSON.stringify({
            type: parsed.type === "subscribe" ? "subscribed" : "unsubscribed",
            runId: parsed.runId,
            workflowId: parsed.workflowId,
          }),
        );
      });
    },
  );
}
