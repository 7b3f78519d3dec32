import { newId } from "../../src/store/ids.ts";
import type { RunStatus } from "../../src/store/schema.ts";
import type { TestServer } from "./test-server.ts";

/** A run to write straight into the store, with the times and outcome a test chooses. */
export interface RunRowSpec {
  workflowId: string;
  status: RunStatus;
  createdAt: number;
  startedAt?: number | null;
  endedAt?: number | null;
  triggerType?: "manual" | "webhook" | "schedule";
  error?: { kind: string; message: string };
  tags?: string[];
}

/** Inserts runs in one transaction, ids in creation order as the engine makes them. */
export async function insertRuns(server: TestServer, specs: readonly RunRowSpec[]) {
  const ordered = [...specs].sort((a, b) => a.createdAt - b.createdAt);
  const ids: string[] = [];
  await server.weft.store.db.transaction().execute(async (tx) => {
    for (let i = 0; i < ordered.length; i += 500) {
      const values = ordered.slice(i, i + 500).map((spec) => {
        const id = newId(spec.createdAt);
        ids.push(id);
        return {
          id,
          workflow_id: spec.workflowId,
          version: 1,
          status: spec.status,
          trigger_type: spec.triggerType ?? "manual",
          trigger_id: null,
          trigger: "{}",
          tags: `,${(spec.tags ?? []).join(",")},`,
          output: null,
          error: spec.error ? JSON.stringify(spec.error) : null,
          dedupe_key: null,
          deadline_at: null,
          created_at: spec.createdAt,
          started_at: spec.startedAt ?? null,
          ended_at: spec.endedAt ?? null,
        };
      });
      await tx.insertInto("runs").values(values).execute();
    }
  });
  return ids;
}
