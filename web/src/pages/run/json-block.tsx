import { Button, Code, CopyButton, Group, ScrollArea, Stack, Text } from "@mantine/core";

/** JSON as people read it: indented, `null` for nothing. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value ?? null, null, 2) ?? "null";
}

/** A value as pretty JSON in a scrollable block, titled, with a button that copies it. */
export function JsonBlock({ title, value }: { title: string; value: unknown }) {
  const text = prettyJson(value);
  return (
    <Stack gap={4}>
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={600}>
          {title}
        </Text>
        <CopyButton value={text}>
          {({ copied, copy }) => (
            <Button
              size="compact-xs"
              variant={copied ? "light" : "default"}
              color={copied ? "green" : undefined}
              onClick={copy}
              aria-label={`Copy ${title.toLowerCase()}`}
            >
              {copied ? "Copied" : "Copy"}
            </Button>
          )}
        </CopyButton>
      </Group>
      <ScrollArea.Autosize mah={320} type="auto" offsetScrollbars>
        <Code block aria-label={title}>
          {text}
        </Code>
      </ScrollArea.Autosize>
    </Stack>
  );
}
