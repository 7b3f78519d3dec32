import { Center, Loader, Modal } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { LazyDefinitionEditor } from "../../components/definition-editor/lazy-views.tsx";
import { ErrorAlert } from "../../components/error-alert.tsx";
import { versionQuery, versionText } from "./version-queries.ts";

export interface VersionSourceModalProps {
  workflowId: string;
  workflowName: string;
  /** The version to show; null keeps the modal closed. */
  version: number | null;
  onClose(): void;
}

/** One version's definition as it was written, read only; the whole screen on a phone. */
export function VersionSourceModal({
  workflowId,
  workflowName,
  version,
  onClose,
}: VersionSourceModalProps) {
  const phone = useMediaQuery("(max-width: 48em)");
  return (
    <Modal
      opened={version !== null}
      onClose={onClose}
      title={`${workflowName}, version ${version ?? ""}`}
      size="xl"
      fullScreen={phone}
    >
      {version !== null ? (
        <VersionSource workflowId={workflowId} workflowName={workflowName} version={version} />
      ) : null}
    </Modal>
  );
}

function VersionSource({
  workflowId,
  workflowName,
  version,
}: {
  workflowId: string;
  workflowName: string;
  version: number;
}) {
  const query = useQuery(versionQuery(workflowId, version));
  if (query.isPending) {
    return (
      <Center p="xl">
        <Loader aria-label={`Loading version ${version}`} />
      </Center>
    );
  }
  if (query.isError) {
    return <ErrorAlert error={query.error} title={`Version ${version} could not be loaded`} />;
  }
  return (
    <LazyDefinitionEditor
      value={versionText(query.data)}
      readOnly
      label={`Definition of ${workflowName}, version ${version}`}
    />
  );
}
