import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";

export interface ClientOption {
  id: string;
  name: string;
}

// Operation `clients:list_clients`, for the client pickers: the clients this user may see (a
// Comptable, the assigned ones), by name. The pickers list the first 200.
export async function listClientOptions(signal?: AbortSignal): Promise<ClientOption[]> {
  const page = await unwrap(
    api.GET("/api/v1/clients", { params: { query: { limit: 200, sort: "name" } }, signal: signal ?? null }),
  );
  return page.items.map((client) => ({ id: client.id, name: client.legal_name }));
}

/** Off in a company's space: its users may not list clients (and have one). */
export function useClientOptions(enabled = true) {
  return useQuery({
    queryKey: ["documents", "client-options"],
    queryFn: ({ signal }) => listClientOptions(signal),
    staleTime: 60_000,
    enabled,
  });
}
