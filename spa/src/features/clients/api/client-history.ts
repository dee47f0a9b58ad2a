import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type AuditEvent = components["schemas"]["AuditEventOut"];

// Operation `audit:list_events` narrowed to one client. It needs `audit:read` (Administrateur,
// owner): the « Historique » tab is shown only to them until the API offers a client-scoped one.
export function listClientHistory(clientId: string, signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/audit-events", {
      params: { query: { target_type: "client", target_id: clientId, limit: 100 } },
      signal: signal ?? null,
    }),
  );
}

export function useClientHistory(clientId: string) {
  return useQuery({
    queryKey: ["clients", "detail", clientId, "history"],
    queryFn: ({ signal }) => listClientHistory(clientId, signal),
    select: (page) => page.items,
  });
}
