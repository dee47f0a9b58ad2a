import { useQuery } from "@tanstack/react-query";
import { api, bearer, unwrap } from "@/api/client";

// Operation `me:get_me` with the phone's device session: whose space it deposits into, and
// what this user's roles there allow (a firm's users choose the client, a company's do not).
export function getDeviceMe(accessToken: string, signal?: AbortSignal) {
  return unwrap(api.GET("/api/v1/me", { headers: bearer(accessToken), signal: signal ?? null }));
}

export function useDeviceMe(accessToken: string | undefined) {
  return useQuery({
    queryKey: ["companion", "me"],
    queryFn: ({ signal }) => getDeviceMe(accessToken ?? "", signal),
    enabled: accessToken !== undefined,
  });
}
