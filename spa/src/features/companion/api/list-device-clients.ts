import { useQuery } from "@tanstack/react-query";
import { api, bearer, unwrap } from "@/api/client";

export interface DeviceClientOption {
  id: string;
  name: string;
}

// Operation `clients:list_clients` with the phone's device session, for a firm user's client
// picker: the clients this user may see (a Comptable, the assigned ones), the first 200 by name.
export async function listDeviceClients(accessToken: string, signal?: AbortSignal): Promise<DeviceClientOption[]> {
  const page = await unwrap(
    api.GET("/api/v1/clients", {
      params: { query: { limit: 200, sort: "name" } },
      headers: bearer(accessToken),
      signal: signal ?? null,
    }),
  );
  return page.items.map((client) => ({ id: client.id, name: client.legal_name }));
}

// Per workspace: after a switch the picker never shows another workspace's clients.
export const deviceClientsQueryKey = (workspaceId: string) => ["companion", "clients", workspaceId] as const;

export function useDeviceClients(accessToken: string | undefined, workspaceId: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: deviceClientsQueryKey(workspaceId ?? ""),
    queryFn: ({ signal }) => listDeviceClients(accessToken ?? "", signal),
    enabled: accessToken !== undefined && workspaceId !== undefined && enabled,
    staleTime: 60_000,
  });
}
