import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { clientQueryKey } from "./get-client";
import { clientsQueryKey } from "@/api/query-keys";

export type ContactUpdate = components["schemas"]["ContactUpdate"];

// Operation `clients:update_client_contact`: answers the whole client, put straight in the cache.
export function updateClientContact({ clientId, body }: { clientId: string; body: ContactUpdate }) {
  return unwrap(
    api.PATCH("/api/v1/clients/{client_id}", { params: { path: { client_id: clientId } }, body }),
  );
}

export function useUpdateClientContact() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateClientContact,
    onSuccess: (client) => {
      queryClient.setQueryData(clientQueryKey(client.id), client);
      return queryClient.invalidateQueries({ queryKey: [...clientsQueryKey, "list"] });
    },
  });
}
