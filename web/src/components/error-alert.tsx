import { Alert } from "@mantine/core";
import type { ReactNode } from "react";
import { errorMessage } from "../api/api-error.ts";

/** An API or network error, with the server's own message, and what can be done about it. */
export function ErrorAlert({
  error,
  title = "Something went wrong",
  children,
}: {
  error: unknown;
  title?: string;
  /** Actions under the message, such as a way to start over. */
  children?: ReactNode;
}) {
  return (
    <Alert color="red" title={title} role="alert">
      {errorMessage(error)}
      {children}
    </Alert>
  );
}
