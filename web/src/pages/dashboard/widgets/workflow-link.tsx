import { Anchor } from "@mantine/core";
import { Link } from "@tanstack/react-router";

/** A workflow's name, linking to its page. */
export function WorkflowLink({ id, name }: { id: string; name: string }) {
  return (
    <Anchor
      size="sm"
      renderRoot={(props) => (
        <Link to="/workflows/$workflowId" params={{ workflowId: id }} {...props} />
      )}
    >
      {name}
    </Anchor>
  );
}
