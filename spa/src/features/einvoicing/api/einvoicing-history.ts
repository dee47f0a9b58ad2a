import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { einvoicingQueryKey } from "./einvoicing";

export type EinvoicingHistoryEntry = components["schemas"]["HistoryEntry"];

// Operation `einvoicing:einvoicing_history`: every state change, newest first.
export function getEinvoicingHistory(clientId: string, signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/clients/{client_id}/einvoicing/history", {
      params: { path: { client_id: clientId }, query: { limit: 100 } },
      signal: signal ?? null,
    }),
  );
}

export function useEinvoicingHistory(clientId: string, paStatus: string | undefined) {
  return useQuery({
    // Keyed by the status: a change brings its history line.
    queryKey: [...einvoicingQueryKey(clientId), "history", paStatus],
    queryFn: ({ signal }) => getEinvoicingHistory(clientId, signal),
    select: (page) => page.items,
    enabled: paStatus !== undefined,
  });
}
