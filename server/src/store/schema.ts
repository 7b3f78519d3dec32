import type { Generated } from "kysely";

/**
 * The tables as the engine sees them. Times are epoch milliseconds, JSON columns are text;
 * both read the same on SQLite and PostgreSQL.
 */
export interface Database {
  workflows: WorkflowTable;
  workflow_versions: WorkflowVersionTable;
  webhooks: WebhookTable;
  schedules: ScheduleTable;
  runs: RunTable;
  step_runs: StepRunTable;
  attempts: AttemptTable;
  events: EventTable;
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  secrets: SecretTable;
  audit_log: AuditTable;
  dashboard_layouts: DashboardLayoutTable;
}

export interface WorkflowTable {
  id: string;
  name: string;
  description: string;
  /** Comma-wrapped list (`,a,b,`) so a tag filter is one portable LIKE. */
  tags: string;
  current_version: number;
  archived_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface WorkflowVersionTable {
  workflow_id: string;
  version: number;
  definition: string;
  source: string;
  created_at: number;
  created_by: string | null;
}

export interface WebhookTable {
  workflow_id: string;
  trigger_id: string;
  key: string;
  created_at: number;
}

export interface ScheduleTable {
  workflow_id: string;
  trigger_id: string;
  cron: string;
  timezone: string;
  catch_up: string;
  next_fire_at: number | null;
  last_fired_at: number | null;
  paused: number;
  created_at: number;
}

export type RunStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export interface RunTable {
  id: string;
  workflow_id: string;
  version: number;
  status: RunStatus;
  trigger_type: string;
  trigger_id: string | null;
  trigger: string;
  tags: string;
  output: string | null;
  error: string | null;
  dedupe_key: string | null;
  deadline_at: number | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
}

export type StepRunStatus =
  | "pending"
  | "queued"
  | "running"
  | "waiting"
  | "succeeded"
  | "failed"
  | "skipped"
  | "cancelled";

export interface StepRunTable {
  id: string;
  run_id: string;
  step_id: string;
  status: StepRunStatus;
  output: string | null;
  error: string | null;
  attempts: number;
  lost_attempts: number;
  /** The number of its first attempt since the run last started over (1 unless retried). */
  first_attempt: Generated<number>;
  wake_at: number | null;
  started_at: number | null;
  ended_at: number | null;
}

export type AttemptStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled" | "lost";

export interface AttemptTable {
  id: string;
  step_run_id: string;
  run_id: string;
  step_id: string;
  number: number;
  status: AttemptStatus;
  available_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  /** JSON: the step's `with` with expressions filled in and secrets masked; null before it ran. */
  input: string | null;
  error: string | null;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  duration_ms: number | null;
}

export interface EventTable {
  id: Generated<number>;
  run_id: string;
  workflow_id: string;
  type: string;
  step_id: string | null;
  attempt: number | null;
  data: string | null;
  created_at: number;
}

export type Role = "admin" | "editor" | "viewer";

export interface UserTable {
  id: string;
  email: string;
  password_hash: string;
  role: Role;
  disabled_at: number | null;
  created_at: number;
}

export interface SessionTable {
  id_hash: string;
  user_id: string;
  expires_at: number;
  created_at: number;
  last_seen_at: number | null;
}

export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
  created_at: number;
}

export interface SecretTable {
  name: string;
  /** `v1.<iv>.<tag>.<data>`, base64url, AES-256-GCM under the key named by `key_id`. */
  ciphertext: string;
  key_id: string;
  description: string;
  created_at: number;
  updated_at: number;
  updated_by: string | null;
}

export interface AuditTable {
  id: string;
  at: number;
  actor_id: string | null;
  actor_email: string | null;
  /** Dotted verb such as `session.create`, `secret.update`, `run.cancel`. */
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: "success" | "failure";
  ip: string | null;
  /** JSON; never holds a secret value, password or token. */
  details: string | null;
}

export interface DashboardLayoutTable {
  user_id: string;
  /** JSON of the layout as the API validated it. */
  layout: string;
  updated_at: number;
}
