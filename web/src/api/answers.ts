// The server's routes declare no response schemas yet, so the OpenAPI document types requests
// only. Answers are typed from the server's own view functions (type-only imports: no server
// code reaches the bundle), so a change there breaks the UI's typecheck instead of drifting.
import type {
  definitionCheckView,
  runSummary,
  runView,
  toPage,
  versionSummary,
  versionView,
  workflowSummary,
  workflowView,
} from "../../../server/src/http/views.ts";
import type { SavedWorkflow } from "../../../server/src/engine/workflow-service.ts";
import type { DashboardLayout } from "../../../server/src/http/dashboard-layout.ts";
import type { DashboardLayoutAnswer } from "../../../server/src/http/routes/dashboard.ts";
import type {
  RunsByStatusAnswer,
  SlowestWorkflowsAnswer,
  StatsSummaryAnswer,
  UpcomingSchedulesAnswer,
} from "../../../server/src/http/routes/stats.ts";
import type { auditView } from "../../../server/src/http/routes/audit.ts";
import type { UserOverview } from "../../../server/src/http/user-overview.ts";
import type { SecretMetadata } from "../../../server/src/secrets/secret-store.ts";
import type { RunListRow } from "../../../server/src/store/run-queries.ts";
import type { AuditTable } from "../../../server/src/store/schema.ts";
import type { TokenRecord, UserRecord } from "../../../server/src/store/users.ts";
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

/** GET /api/v1/workflows/:id: the summary plus the current definition and its triggers. */
export type WorkflowDetail = ReturnType<typeof workflowView>;

/** POST /api/v1/workflows and PUT /api/v1/workflows/:id: what changed, and the workflow now. */
export interface SavedWorkflowAnswer {
  change: SavedWorkflow["change"];
  workflow: WorkflowDetail;
}

/** POST /api/v1/workflows/validate when the definition is valid (invalid ones answer 422). */
export type DefinitionCheckAnswer = ReturnType<typeof definitionCheckView>;

/** One entry of GET /api/v1/workflows/:id/versions, newest first. */
export type VersionSummary = ReturnType<typeof versionSummary>;

/** GET /api/v1/workflows/:id/versions. */
export interface VersionList {
  items: VersionSummary[];
}

/** GET /api/v1/workflows/:id/versions/:version: its definition and the text it was sent as. */
export type VersionDetail = ReturnType<typeof versionView>;

/** One trigger of a workflow as GET /api/v1/workflows/:id shows it. */
export type TriggerView = WorkflowDetail["triggers"][number];

/** GET /api/v1/runs/:id: a run whole, with its step runs (in definition order) and attempts. */
export type RunDetail = ReturnType<typeof runView>;

/** One step run of a RunDetail. */
export type StepRunDetail = RunDetail["steps"][number];

/** One attempt of a step run. */
export type AttemptDetail = StepRunDetail["attempts"][number];

/** GET and PUT /api/v1/me/dashboard: the user's widgets, and whether they are the default. */
export type DashboardAnswer = DashboardLayoutAnswer;

/** One widget of a dashboard layout: its kind, place on the 12-column grid, and options. */
export type DashboardWidget = DashboardLayout["widgets"][number];

/** GET /api/v1/stats/runs-by-status. */
export type RunsByStatus = RunsByStatusAnswer;

/** GET /api/v1/stats/summary. */
export type StatsSummary = StatsSummaryAnswer;

/** GET /api/v1/stats/slowest-workflows. */
export type SlowestWorkflows = SlowestWorkflowsAnswer;

/** GET /api/v1/stats/upcoming-schedules. */
export type UpcomingSchedules = UpcomingSchedulesAnswer;

/** One user of GET /api/v1/users: the record, a sign-in lock and the last sign-in. */
export type UserListItem = UserOverview;

/** GET /api/v1/users. */
export interface UserList {
  items: UserListItem[];
}

/** POST /api/v1/users and PATCH /api/v1/users/:email: the user as stored. */
export type UserAnswer = UserRecord;

/** One of the signed-in user's API tokens, GET /api/v1/tokens (the secret is never listed). */
export type ApiToken = TokenRecord;

/** GET /api/v1/tokens. */
export interface ApiTokenList {
  items: ApiToken[];
}

/** POST /api/v1/tokens: the only answer that holds the token's secret. */
export type CreatedApiToken = Pick<TokenRecord, "id" | "name" | "expiresAt"> & { token: string };

/** One secret of GET /api/v1/secrets, and the answer of PUT: everything but the value. */
export type SecretInfo = SecretMetadata;

/** GET /api/v1/secrets. */
export interface SecretList {
  items: SecretInfo[];
}

/** One entry of GET /api/v1/audit. */
export type AuditEntry = ReturnType<typeof auditView>;

/** GET /api/v1/audit. */
export type AuditPage = ReturnType<typeof toPage<AuditTable, AuditEntry>>;
