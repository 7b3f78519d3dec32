import type { DefinitionCheckAnswer, SavedWorkflowAnswer } from "../../api/answers.ts";
import { ApiError } from "../../api/api-error.ts";
import { api, requireOk } from "../../api/client.ts";
import type { EditorIssue } from "./editor-issue.ts";

/**
 * Sending a definition's text to the API as YAML (JSON text is YAML too). A 422 is an answer
 * here, not a failure: its issues are what the editor shows at their lines.
 */

/** What checking a definition found: valid, with its name, or its issues. */
export type DefinitionCheck =
  | (DefinitionCheckAnswer & { issues: [] })
  | { valid: false; issues: EditorIssue[] };

/** What saving a definition did: saved (created, versioned or unchanged), or refused with issues. */
export type SaveOutcome =
  | { saved: true; answer: SavedWorkflowAnswer }
  | { saved: false; issues: EditorIssue[] };

const asYaml = {
  headers: { "content-type": "application/yaml" },
  bodySerializer: (body: unknown) => body as string,
};

/** Checks a definition without saving it. */
export async function checkDefinition(text: string): Promise<DefinitionCheck> {
  try {
    const valid = await requireOk<DefinitionCheckAnswer>(
      api.POST("/api/v1/workflows/validate", { body: text, ...asYaml }),
    );
    return { ...valid, issues: [] };
  } catch (error) {
    return { valid: false, issues: issuesOrThrow(error) };
  }
}

/**
 * Saves a new version of `workflowId` over `baseVersion` only (a save in between answers
 * 412, thrown on to be shown), or without a workflow creates one or a new version by name.
 */
export async function saveDefinition(
  text: string,
  target?: { workflowId: string; baseVersion: number },
): Promise<SaveOutcome> {
  try {
    const answer = await requireOk<SavedWorkflowAnswer>(
      target === undefined
        ? api.POST("/api/v1/workflows", { body: text, ...asYaml })
        : api.PUT("/api/v1/workflows/{id}", {
            params: { path: { id: target.workflowId } },
            body: text,
            headers: { ...asYaml.headers, "if-match": `"${target.baseVersion}"` },
            bodySerializer: asYaml.bodySerializer,
          }),
    );
    return { saved: true, answer };
  } catch (error) {
    return { saved: false, issues: issuesOrThrow(error) };
  }
}

/** The issues of a 422 answer; any other failure is thrown on, to be shown as an error. */
function issuesOrThrow(error: unknown): EditorIssue[] {
  const issues =
    error instanceof ApiError && error.status === 422 ? error.problem?.issues : undefined;
  if (!issues || issues.length === 0) throw error;
  return issues;
}
