import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { clientsQueryKey } from "./list-clients";

export type InvitationResult = components["schemas"]["InvitationResult"];

// Operation `clients:invite_clients` (« Inviter » on the selection): one result per client.
export function inviteClients(clientIds: readonly string[]) {
  return unwrap(api.POST("/api/v1/clients/invitations", { body: { client_ids: [...clientIds] } }));
}

export function useInviteClients() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: inviteClients,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clientsQueryKey }),
  });
}
