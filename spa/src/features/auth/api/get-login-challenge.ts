import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type LoginChallengeStatus = components["schemas"]["LoginChallengeStatus"];

// Operation `auth:get_login_challenge`: long polling, the server answers as soon as the status
// changes (scanned, approved, denied, expired) or after `waitSeconds`.
export function getLoginChallenge(challengeId: string, waitSeconds: number, signal: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/auth/login-challenges/{challenge_id}", {
      params: { path: { challenge_id: challengeId }, query: { wait: waitSeconds } },
      signal,
    }),
  );
}
