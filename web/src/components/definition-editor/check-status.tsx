import { Badge, Group, Loader, Text } from "@mantine/core";
import { errorMessage } from "../../api/api-error.ts";
import type { DefinitionCheck } from "./definition-api.ts";
import { issueSummary } from "./editor-issue.ts";

export interface CheckStatusProps {
  check: DefinitionCheck | undefined;
  checking: boolean;
  error: unknown;
}

/** One line on the live check, announced politely: "Valid", "3 problems", or why it failed. */
export function CheckStatus({ check, checking, error }: CheckStatusProps) {
  return (
    <Group gap="xs" role="status" aria-live="polite" data-testid="definition-check">
      {error ? (
        <Text size="sm" c="red">
          Could not check the definition: {errorMessage(error)}
        </Text>
      ) : check ? (
        <Badge color={check.valid ? "green" : "red"} variant="light">
          {issueSummary(check.issues)}
        </Badge>
      ) : (
        <Text size="sm" c="dimmed">
          Not checked yet
        </Text>
      )}
      {checking ? <Loader size="xs" aria-label="Checking" /> : null}
    </Group>
  );
}
