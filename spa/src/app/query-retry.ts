import { ApiProblem } from "@/lib/problem";

/** Whether a failed query is worth asking again at once (before the error shows). */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (!(error instanceof ApiProblem)) return failureCount < 2;
  // A 4xx answer will not change by asking again (and a 404 is how the API says "not yours").
  if (!error.transient) return false;
  // A server that never answered already made the user wait: the recovery takes over.
  if (error.code === "timeout") return false;
  return failureCount < 3;
}

/** 1 s, 2 s, 4 s…, or what the server asked for (`Retry-After` of a 429 or 503), at most 30 s. */
export function retryDelay(attempt: number, error: unknown): number {
  if (error instanceof ApiProblem && error.retryAfterSeconds !== null) {
    return Math.min(error.retryAfterSeconds * 1_000, 30_000);
  }
  return Math.min(1_000 * 2 ** attempt, 8_000);
}
