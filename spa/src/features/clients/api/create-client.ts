import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { clientsQueryKey } from "@/api/query-keys";

export type ClientCreate = components["schemas"]["ClientCreate"];

// Operation `clients:create_client`: 409 when already a client, 422 when closed or unknown.
export function createClient(body: ClientCreate) {
  return unwrap(api.POST("/api/v1/clients", { body }));
}

export function useCreateClient() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createClient,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clientsQueryKey }),
  });
}
