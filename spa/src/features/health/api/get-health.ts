import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";

// Operation `health:health`: liveness, no I/O on the server.
export const healthQueryKey = ["health", "health"] as const;

export function getHealth(signal?: AbortSignal) {
  return unwrap(api.GET("/api/v1/health", { signal: signal ?? null }));
}

export function useHealth() {
  return useQuery({
    queryKey: healthQueryKey,
    queryFn: ({ signal }) => getHealth(signal),
    refetchInterval: 30_000,
  });
}
