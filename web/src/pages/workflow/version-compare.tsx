import { Center, Group, Loader, SegmentedControl, Select } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { useQueries } from "@tanstack/react-query";
import { useState } from "react";
import type { DiffLayout } from "../../components/definition-editor/definition-diff.tsx";
import { LazyDefinitionDiff } from "../../components/definition-editor/lazy-views.tsx";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { versionQuery, versionText } from "./version-queries.ts";

export interface VersionCompareProps {
  workflowId: string;
  /** The version numbers, newest first; at least two. */
  versions: number[];
}

/** Two versions picked by number (the one before the newest and the newest at first), diffed. */
export function VersionCompare({ workflowId, versions }: VersionCompareProps) {
  const [from, setFrom] = useState(versions[1]!);
  const [to, setTo] = useState(versions[0]!);
  const wide = useMediaQuery("(min-width: 62em)");
  const [layout, setLayout] = useState<DiffLayout>("unified");
  const options = versions.map((v) => ({ value: String(v), label: `Version ${v}` }));

  return (
    <>
      <Group align="flex-end">
        <Select
          label="Compare"
          data={options}
          value={String(from)}
          onChange={(value) => value && setFrom(Number(value))}
          allowDeselect={false}
          w={160}
        />
        <Select
          label="with"
          data={options}
          value={String(to)}
          onChange={(value) => value && setTo(Number(value))}
          allowDeselect={false}
          w={160}
        />
        {wide ? (
          <SegmentedControl
            aria-label="Diff layout"
            value={layout}
            onChange={(value) => setLayout(value as DiffLayout)}
            data={[
              { value: "unified", label: "Unified" },
              { value: "side-by-side", label: "Side by side" },
            ]}
          />
        ) : null}
      </Group>
      <VersionDiff workflowId={workflowId} from={from} to={to} layout={wide ? layout : "unified"} />
    </>
  );
}

function VersionDiff({
  workflowId,
  from,
  to,
  layout,
}: {
  workflowId: string;
  from: number;
  to: number;
  layout: DiffLayout;
}) {
  const [older, newer] = useQueries({
    queries: [versionQuery(workflowId, from), versionQuery(workflowId, to)],
  });
  const failed = older.error ?? newer.error;
  if (failed) return <ErrorAlert error={failed} title="The versions could not be loaded" />;
  if (!older.data || !newer.data) {
    return (
      <Center p="xl">
        <Loader aria-label="Loading the versions to compare" />
      </Center>
    );
  }
  return (
    <LazyDefinitionDiff
      original={{ text: versionText(older.data), label: `Version ${from}` }}
      modified={{ text: versionText(newer.data), label: `Version ${to}` }}
      layout={layout}
    />
  );
}
