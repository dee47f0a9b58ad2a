import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type Me = components["schemas"]["Me"];

// Operation `me:get_me`: who is signed in, the current workspace and its permissions.
export const meQueryKey = ["me"] as const;

export function getMe(signal?: AbortSignal) {
  return unwrap(api.GET("/api/v1/me", { signal: signal ?? null }));
}

export function useMe() {
  return useQuery({ queryKey: meQueryKey, queryFn: ({ signal }) => getMe(signal) });
}
