import { describe, expect, it } from "vitest";
import { ApiProblem } from "@/lib/problem";
import { retryDelay, shouldRetry } from "./query-retry";

const problem = (status: number, code = "x", retryAfter: number | null = null) =>
  new ApiProblem({ type: "about:blank", title: "t", status, code }, retryAfter);

describe("retrying a failed query", () => {
  it("asks again after an outage, never after a refusal", () => {
    expect(shouldRetry(0, ApiProblem.network())).toBe(true);
    expect(shouldRetry(2, problem(503))).toBe(true);
    expect(shouldRetry(3, problem(503))).toBe(false);
    expect(shouldRetry(0, problem(404))).toBe(false);
    expect(shouldRetry(0, problem(422))).toBe(false);
    expect(shouldRetry(0, problem(429))).toBe(true);
  });

  it("leaves a server that never answered to the recovery instead of waiting again", () => {
    expect(shouldRetry(0, ApiProblem.timeout())).toBe(false);
  });

  it("waits what the server asked for, within bounds", () => {
    expect(retryDelay(0, problem(503, "busy", 5))).toBe(5_000);
    expect(retryDelay(0, problem(503, "busy", 3600))).toBe(30_000);
    expect(retryDelay(1, ApiProblem.network())).toBeLessThan(retryDelay(2, ApiProblem.network()));
  });
});
