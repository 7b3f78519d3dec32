import { Alert, Button, Code, CopyButton, Group, Stack, Text } from "@mantine/core";
import type { CreatedApiToken } from "../../api/answers.ts";

/** A token just created, shown this once with a copy button; dismissing it forgets it. */
export function NewToken({ token, onDone }: { token: CreatedApiToken; onDone(): void }) {
  return (
    <Alert color="yellow" title={`Token "${token.name}" created`} data-testid="new-token">
      <Stack gap="sm">
        <Text size="sm">
          Copy it now: it is shown only this once, and Weft keeps only a hash of it. Send it as{" "}
          <Code>Authorization: Bearer &lt;token&gt;</Code>.
        </Text>
        <Code block data-testid="new-token-value">
          {token.token}
        </Code>
        <Group gap="xs">
          <CopyButton value={token.token}>
            {({ copied, copy }) => (
              <Button size="xs" color={copied ? "teal" : undefined} onClick={copy}>
                {copied ? "Copied" : "Copy token"}
              </Button>
            )}
          </CopyButton>
          <Button size="xs" variant="default" onClick={onDone}>
            I have copied it
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
