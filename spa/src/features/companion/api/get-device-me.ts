import { useQuery } from "@tanstack/react-query";
import { api, bearer, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

/** The caller as the phone sees it: its current workspace and every one it may switch to. */
export type DeviceMe = components["schemas"]["Me"];

// Operation `me:get_me` with the phone's device session: whose space it deposits into, and
// what this user's roles there allow (a firm's users choose the client, a company's do not).
export function getDeviceMe(accessToken: string, signal?: AbortSignal) {
  return unwrap(api.GET("/api/v1/me", { headers: bearer(accessToken), signal: signal ?? null }));
}

export const deviceMeQueryKey = ["companion", "me"] as const;

export function useDeviceMe(accessToken: string | undefined) {
  return useQuery({
    queryKey: deviceMeQueryKey,
    queryFn: ({ signal }) => getDeviceMe(accessToken ?? "", signal),
    enabled: accessToken !== undefined,
  });
}
