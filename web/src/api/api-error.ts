/** A problem document (RFC 9457) as Weft's API answers every error. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  requestId?: string;
  /** Each fault's path; for a definition sent as text, also its 1-based line and column. */
  issues?: {
    path: string;
    message: string;
    line?: number;
    column?: number;
    endLine?: number;
    endColumn?: number;
  }[];
}

const PROBLEM_PREFIX = "urn:weft:problem:";

/** An API call that failed: its status and the server's own message. */
export class ApiError extends Error {
  readonly status: number;
  /** The stable code from the problem `type`, such as `setup-required`; undefined without one. */
  readonly code: string | undefined;
  readonly problem: Problem | undefined;

  constructor(status: number, problem: Problem | undefined, fallback: string) {
    super(problem?.detail ?? problem?.title ?? fallback);
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
    this.code = problem?.type.startsWith(PROBLEM_PREFIX)
      ? problem.type.slice(PROBLEM_PREFIX.length)
      : undefined;
  }
}

/** Reads an error answer's problem document, tolerating a body that is not one. */
export function toApiError(response: Response, body: unknown): ApiError {
  const fallback = `${response.status} ${response.statusText || "error"} from ${new URL(response.url, location.href).pathname}`;
  return new ApiError(response.status, isProblem(body) ? body : undefined, fallback);
}

function isProblem(body: unknown): body is Problem {
  return (
    typeof body === "object" &&
    body !== null &&
    typeof (body as Problem).type === "string" &&
    typeof (body as Problem).status === "number"
  );
}

/** What to show for any error a query or mutation ended with. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return "Weft could not be reached: check your connection";
  return error instanceof Error ? error.message : String(error);
}
