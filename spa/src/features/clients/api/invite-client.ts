import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { clientQueryKey } from "./get-client";
import { clientsQueryKey } from "@/api/query-keys";

// Operation `clients:invite_client`: the first invitation, or a new link (« Relancer »).
export function inviteClient(clientId: string) {
  return unwrap(
    api.POST("/api/v1/clients/{client_id}/invitation", { params: { path: { client_id: clientId } } }),
  );
}

export function useInviteClient() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: inviteClient,
    onSuccess: (client) => {
      queryClient.setQueryData(clientQueryKey(client.id), client);
      return queryClient.invalidateQueries({ queryKey: clientsQueryKey });
    },
  });
}
