import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";

// The scopes this user may give a key, as `GET /me` says (`api_key_scopes`): the API's one scope
// table decides, and the SPA keeps no copy of it. Same query as the shell's (`["me"]`), so no
// extra request.
export function useMintableScopes() {
  return useQuery({
    queryKey: ["me"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/me", { signal: signal ?? null })),
    select: (me) => me.api_key_scopes,
  });
}
