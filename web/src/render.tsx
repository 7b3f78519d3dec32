import { MantineProvider } from "@mantine/core";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { theme } from "./theme.ts";

/** Renders a component for a test inside the app's Mantine theme. */
export function renderInTheme(element: ReactElement) {
  return render(<MantineProvider theme={theme}>{element}</MantineProvider>);
}
