import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { clientsQueryKey } from "@/api/query-keys";

export type ClientDetail = components["schemas"]["ClientDetail"];

// Operation `clients:get_client`: identity, contact, Comptables and subscription.
export const clientQueryKey = (clientId: string) => [...clientsQueryKey, "detail", clientId] as const;

export function getClient(clientId: string, signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/clients/{client_id}", {
      params: { path: { client_id: clientId } },
      signal: signal ?? null,
    }),
  );
}

export function useClient(clientId: string, enabled = true) {
  return useQuery({
    queryKey: clientQueryKey(clientId),
    queryFn: ({ signal }) => getClient(clientId, signal),
    enabled,
  });
}
