import { describe, expect, it } from "vitest";
import { safeRedirect } from "./sign-in-page.tsx";

describe("safeRedirect", () => {
  it("returns to a path inside the app", () => {
    expect(safeRedirect("/workflows?q=night")).toBe("/workflows?q=night");
  });

  it("refuses anything that could leave the app", () => {
    for (const target of ["https://evil.example", "//evil.example/x", "/\\evil.example", "x"])
      expect(safeRedirect(target)).toBe("/");
    expect(safeRedirect(undefined)).toBe("/");
  });
});
