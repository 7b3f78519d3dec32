import { describe, expect, it } from "vitest";
import { ApiError, errorMessage, toApiError } from "./api-error.ts";

const answer = (status: number, statusText = "") =>
  Object.defineProperty(new Response(null, { status, statusText }), "url", {
    value: "http://weft.test/api/v1/workflows?q=x",
  });

describe("toApiError", () => {
  it("carries the problem's detail and its stable code", () => {
    const error = toApiError(answer(403), {
      type: "urn:weft:problem:setup-required",
      title: "Setup required",
      status: 403,
      detail: "Weft has no admin yet",
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(403);
    expect(error.code).toBe("setup-required");
    expect(error.message).toBe("Weft has no admin yet");
  });

  it("names the status and path when the body is not a problem document", () => {
    const error = toApiError(answer(502, "Bad Gateway"), "<html>proxy error</html>");
    expect(error.code).toBeUndefined();
    expect(error.message).toBe("502 Bad Gateway from /api/v1/workflows");
  });
});

describe("errorMessage", () => {
  it("says the server could not be reached when fetch itself failed", () => {
    expect(errorMessage(new TypeError("Failed to fetch"))).toBe(
      "Weft could not be reached: check your connection",
    );
  });
});
