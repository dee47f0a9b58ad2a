import { useQuery } from "@tanstack/react-query";
import { api, bearer, unwrap } from "@/api/client";

// Operation `me:my_activity` with the phone's device session.
const ACTIVITY_LIMIT = 50;

export function getActivity(accessToken: string, signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/me/activity", {
      params: { query: { limit: ACTIVITY_LIMIT } },
      headers: bearer(accessToken),
      signal: signal ?? null,
    }),
  ).then((page) => page.items); // the first page: the newest events
}

export const deviceActivityQueryKey = ["companion", "activity"] as const;

export function useDeviceActivity(accessToken: string | undefined) {
  return useQuery({
    queryKey: deviceActivityQueryKey,
    queryFn: ({ signal }) => getActivity(accessToken ?? "", signal),
    enabled: accessToken !== undefined,
  });
}
