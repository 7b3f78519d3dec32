import { getRouteApi, useNavigate } from "@tanstack/react-router";
import { CenteredCard } from "../components/centered-card.tsx";
import { CredentialsForm } from "../components/credentials-form.tsx";
import { useSignIn } from "../auth/session.ts";

const route = getRouteApi("/sign-in");

/** Sign in with email and password; returns to the page that asked for it. */
export function SignInPage() {
  const { redirect } = route.useSearch();
  const navigate = useNavigate();
  const signIn = useSignIn();

  return (
    <CenteredCard title="Sign in to Weft" intro="Use the email and password your admin gave you.">
      <CredentialsForm
        submitLabel="Sign in"
        pending={signIn.isPending}
        error={signIn.error}
        onSubmit={(credentials) =>
          signIn.mutate(credentials, {
            onSuccess: () => navigate({ to: safeRedirect(redirect) }),
          })
        }
      />
    </CenteredCard>
  );
}

/** Only a path inside the app: a crafted sign-in link must not send the user elsewhere. */
export function safeRedirect(target: string | undefined): string {
  if (!target?.startsWith("/") || target.startsWith("//") || target.includes("\\")) return "/";
  return target;
}
