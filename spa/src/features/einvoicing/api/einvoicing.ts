import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type EinvoicingState = components["schemas"]["EinvoicingState"];

export const einvoicingQueryKey = (clientId: string) => ["einvoicing", "client", clientId] as const;

// Operation `einvoicing:get_einvoicing`: the PA status and the latest designation.
export function getEinvoicing(clientId: string, signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/clients/{client_id}/einvoicing", {
      params: { path: { client_id: clientId } },
      signal: signal ?? null,
    }),
  );
}

export function useEinvoicing(clientId: string) {
  return useQuery({
    queryKey: einvoicingQueryKey(clientId),
    queryFn: ({ signal }) => getEinvoicing(clientId, signal),
    // While the worker registers or ends the directory line, follow it.
    refetchInterval: (query) => {
      const state = query.state.data;
      const ending = state?.pa_status === "registered" && state.designation?.end_requested_on;
      return state?.pa_status === "pending" || ending ? 2_000 : false;
    },
  });
}
