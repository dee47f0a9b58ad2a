import { useQuery } from "@tanstack/react-query";
import { api, bearer, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type RequesterContext = components["schemas"]["RequesterContext"];

// Operation `auth:get_login_challenge_context` (device session): who is asking to sign in.
// Opening it tells the waiting browser that its code was scanned.
export function getLoginContext(challengeId: string, accessToken: string, signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/auth/login-challenges/{challenge_id}/context", {
      params: { path: { challenge_id: challengeId } },
      headers: bearer(accessToken),
      signal: signal ?? null,
    }),
  );
}

export function useLoginContext(challengeId: string, accessToken: string | undefined) {
  return useQuery({
    queryKey: ["companion", "login-context", challengeId],
    queryFn: ({ signal }) => getLoginContext(challengeId, accessToken ?? "", signal),
    enabled: accessToken !== undefined,
    // The context is read once, before deciding: no refetch on focus behind the user's back.
    staleTime: Infinity,
    retry: false,
  });
}
