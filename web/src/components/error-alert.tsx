import { Alert } from "@mantine/core";
import { errorMessage } from "../api/api-error.ts";

/** An API or network error, with the server's own message. */
export function ErrorAlert({
  error,
  title = "Something went wrong",
}: {
  error: unknown;
  title?: string;
}) {
  return (
    <Alert color="red" title={title} role="alert">
      {errorMessage(error)}
    </Alert>
  );
}
