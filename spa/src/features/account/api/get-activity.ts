import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";

// Operation `me:my_activity`: the account's own recent events.
export const activityQueryKey = ["me", "activity"] as const;
const ACTIVITY_LIMIT = 50;

export function getActivity(signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/me/activity", { params: { query: { limit: ACTIVITY_LIMIT } }, signal: signal ?? null }),
  ).then((page) => page.items); // the first page: the newest events
}

export function useActivity() {
  return useQuery({ queryKey: activityQueryKey, queryFn: ({ signal }) => getActivity(signal) });
}
