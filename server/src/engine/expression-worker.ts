/**
 * The process that evaluates step expressions for ExpressionPool. It has its own heap with its
 * own limit, so an expression that allocates without bound or loops inside one built-in call
 * takes this process down, never the server.
 */
import { ExpressionError, evaluateExpression, interpolate } from "./expressions.ts";
import type { WorkerReply, WorkerRequest } from "./expression-pool.ts";

const send = process.send?.bind(process);
if (!send) throw new Error("expression-worker.ts runs only as a child process with IPC");

// The server went away (even by a crash): nothing is left to answer to.
process.on("disconnect", () => process.exit(0));
process.on("message", async (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const value =
      request.op === "evaluate"
        ? await evaluateExpression(request.source, request.scope, request.limits)
        : await interpolate(request.value, request.scope, request.options);
    reply = { id: request.id, ok: true, value };
  } catch (error) {
    reply = { id: request.id, ok: false, error: toReplyError(error) };
  }
  send(reply);
});
send({ ready: true });

function toReplyError(error: unknown): Extract<WorkerReply, { ok: false }>["error"] {
  if (error instanceof ExpressionError) {
    const { message, code, position, token } = error;
    return { expression: true, message, code, position, token };
  }
  return { expression: false, message: error instanceof Error ? error.message : String(error) };
}
