import { Anchor, Button, Code, Paper, Stack, Text, Title } from "@mantine/core";
import { Link } from "@tanstack/react-router";

/**
 * What a new user sees before any workflow exists: how to add the first one, in the browser
 * (editors and admins) or with the command line and the API.
 */
export function NoWorkflowsYet({ canCreate = false }: { canCreate?: boolean }) {
  return (
    <Paper withBorder p="xl" radius="md">
      <Stack gap="sm" align="flex-start">
        <Title order={2} size="h3">
          No workflows yet
        </Title>
        <Text>A workflow is a YAML definition of triggers and steps.</Text>
        {canCreate ? (
          <Button component={Link} to="/workflows/new">
            Write your first workflow
          </Button>
        ) : null}
        <Text>{canCreate ? "Or save one" : "Save one"} with the command line:</Text>
        <Code block>weft workflow apply -f examples/hello.yaml</Code>
        <Text>
          or send its YAML to <Code>POST /api/v1/workflows</Code> with an API token (see the{" "}
          <Anchor href="/api/docs">API documentation</Anchor>). It appears here once saved.
        </Text>
      </Stack>
    </Paper>
  );
}

/** Filters that match nothing, with the way back to the whole list. */
export function NoWorkflowMatches({ onClear }: { onClear(): void }) {
  return (
    <Paper withBorder p="xl" radius="md">
      <Stack gap="sm" align="flex-start">
        <Text>No workflow matches these filters.</Text>
        <Button variant="default" onClick={onClear}>
          Clear filters
        </Button>
      </Stack>
    </Paper>
  );
}
