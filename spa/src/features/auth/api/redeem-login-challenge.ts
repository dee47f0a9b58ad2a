import { api, unwrap } from "@/api/client";

// Operation `auth:redeem_login_challenge` in cookie mode: the API answers with the HttpOnly
// session cookies and the CSRF cookie; no token ever reaches script.
export function redeemLoginChallenge(challengeId: string, signature: string, signal: AbortSignal) {
  return unwrap(
    api.POST("/api/v1/auth/login-challenges/{challenge_id}/redeem", {
      params: { path: { challenge_id: challengeId } },
      body: { signature, mode: "cookie" },
      signal,
    }),
  );
}
