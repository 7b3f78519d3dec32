import { Center, Paper, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

/** The narrow card that sign-in and setup sit in, before the app shell exists. */
export function CenteredCard({
  title,
  intro,
  children,
}: {
  title: string;
  intro: string;
  children: ReactNode;
}) {
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <Title order={1} size="h2" mb="xs">
          {title}
        </Title>
        <Text c="dimmed" size="sm" mb="lg">
          {intro}
        </Text>
        {children}
      </Paper>
    </Center>
  );
}
