import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { clientsQueryKey } from "@/api/query-keys";
import { inBatches } from "./bulk";

export type InvitationResult = components["schemas"]["InvitationResult"];

// Operation `clients:invite_clients` (« Inviter » on the selection): one result per client.
export function inviteClients(clientIds: readonly string[]) {
  return inBatches(clientIds, (client_ids) =>
    unwrap(api.POST("/api/v1/clients/invitations", { body: { client_ids } })),
  );
}

export function useInviteClients() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: inviteClients,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clientsQueryKey }),
  });
}
