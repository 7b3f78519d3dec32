import { useNavigate } from "@tanstack/react-router";
import { useSetup } from "../auth/session.ts";
import { CenteredCard } from "../components/centered-card.tsx";
import { CredentialsForm } from "../components/credentials-form.tsx";

/** Creates the first admin of a new Weft, then signs them in. */
export function SetupPage() {
  const navigate = useNavigate();
  const setup = useSetup();

  return (
    <CenteredCard
      title="Set up Weft"
      intro="This Weft has no users yet. Create the first admin account: it can add everyone else."
    >
      <CredentialsForm
        submitLabel="Create admin"
        confirm
        pending={setup.isPending}
        error={setup.error}
        onSubmit={(credentials) =>
          setup.mutate(credentials, { onSuccess: () => navigate({ to: "/workflows" }) })
        }
      />
    </CenteredCard>
  );
}
