import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";

// Operation `health:ready`: answers 503 with a problem document when the database is down.
export const readinessQueryKey = ["health", "ready"] as const;

export function getReadiness(signal?: AbortSignal) {
  return unwrap(api.GET("/api/v1/ready", { signal: signal ?? null }));
}

export function useReadiness() {
  return useQuery({
    queryKey: readinessQueryKey,
    queryFn: ({ signal }) => getReadiness(signal),
    refetchInterval: 30_000,
  });
}
