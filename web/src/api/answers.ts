// The server's routes declare no response schemas yet, so the OpenAPI document types requests
// only. Answers are typed from the server's own view functions (type-only imports: no server
// code reaches the bundle), so a change there breaks the UI's typecheck instead of drifting.
import type { runSummary, toPage, workflowSummary } from "../../../server/src/http/views.ts";
import type { RunListRow } from "../../../server/src/store/run-queries.ts";
import type { UserRecord } from "../../../server/src/store/users.ts";
import type { WorkflowRow } from "../../../server/src/store/workflows.ts";

/** Who is signed in: GET /api/v1/session and POST /api/v1/session. */
export type SessionUser = Pick<UserRecord, "id" | "email" | "role">;

/** One entry of GET /api/v1/workflows. */
export type WorkflowSummary = ReturnType<typeof workflowSummary>;

/** GET /api/v1/workflows. */
export type WorkflowPage = ReturnType<typeof toPage<WorkflowRow, WorkflowSummary>>;

/** One entry of GET /api/v1/runs. */
export type RunSummary = ReturnType<typeof runSummary>;

/** GET /api/v1/runs. */
export type RunPage = ReturnType<typeof toPage<RunListRow, RunSummary>>;
