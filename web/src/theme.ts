import { createTheme } from "@mantine/core";

/** Weft's look: Mantine's defaults with a primary colour of its own. */
export const theme = createTheme({ primaryColor: "indigo" });
