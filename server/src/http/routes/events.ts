import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { RunEvent } from "../../events/event-map.ts";
import { getRunRow } from "../../store/run-queries.ts";
import { getWorkflowRow } from "../../store/workflows.ts";
import { CREDENTIAL_ENDED_CODE } from "../live-feeds.ts";
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
 * (`{"type":"subscribe","runId":"…"}`) and receives their events as they are recorded. The
 * socket closes with 4401 when the token or session that opened it ends.
 */
export function registerEventRoutes(app: FastifyInstance, services: Services): void {
  app.addHook("onClose", async () => services.liveFeeds.stop());
  app.get(
    "/api/v1/events",
    {
      websocket: true,
      config: { access: "viewer" },
      schema: { tags: ["runs"], summary: "Live run events (WebSocket)" },
    },
    (socket, request) => {
      const runs = new Set<string>();
      const workflows = new Set<string>();
      let all = false;

      const unsubscribe = services.bus.subscribe((event: RunEvent) => {
        if (!all && !runs.has(event.runId) && !workflows.has(event.workflowId)) return;
        socket.send(JSON.stringify({ type: "event", event }));
      });
      // Stop relaying the moment the credential ends, not when the close handshake completes.
      const forget = services.liveFeeds.add(request.credential!, (reason) => {
        unsubscribe();
        socket.close(CREDENTIAL_ENDED_CODE, reason);
      });
      socket.on("close", () => {
        unsubscribe();
        forget();
      });

      const usage =
        'send {"type":"subscribe","runId":"…"} or {"type":"subscribe","workflowId":"…"}';
      const fail = (text: string) => socket.send(JSON.stringify({ type: "error", message: text }));

      socket.on("message", async (data: Buffer) => {
        let parsed: z.infer<typeof message>;
        try {
          parsed = message.parse(JSON.parse(data.toString("utf8")));
        } catch {
          return fail(usage);
        }
        if (!parsed.runId && !parsed.workflowId && parsed.all === undefined) return fail(usage);

        const db = services.store.db;
        const workflow = parsed.workflowId ? await getWorkflowRow(db, parsed.workflowId) : null;
        if (parsed.workflowId && !workflow) return fail(`no workflow "${parsed.workflowId}"`);
        const run = parsed.runId ? await getRunRow(db, parsed.runId) : null;
        if (parsed.runId && !run) return fail(`no run "${parsed.runId}"`);

        const add = parsed.type === "subscribe";
        if (run) add ? runs.add(run.id) : runs.delete(run.id);
        if (workflow) add ? workflows.add(workflow.id) : workflows.delete(workflow.id);
        if (parsed.all !== undefined) all = add && parsed.all;
        socket.send(
          JSON.stringify({
            type: add ? "subscribed" : "unsubscribed",
            runId: run?.id,
            workflowId: workflow?.id,
          }),
        );
      });
    },
  );
}
