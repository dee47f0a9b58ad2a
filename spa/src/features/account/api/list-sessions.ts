import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { allPages, pageQuery } from "@/api/pages";
import type { components } from "@/api/schema";

export type AccountSession = components["schemas"]["SessionOut"];

// Operation `me:list_sessions`.
export const sessionsQueryKey = ["me", "sessions"] as const;

export function listSessions(signal?: AbortSignal) {
  return allPages((cursor) =>
    unwrap(api.GET("/api/v1/me/sessions", { params: { query: pageQuery(cursor) }, signal: signal ?? null })),
  );
}

export function useSessions() {
  return useQuery({ queryKey: sessionsQueryKey, queryFn: ({ signal }) => listSessions(signal) });
}
