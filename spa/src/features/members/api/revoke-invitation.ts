import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { membersQueryKey } from "./list-members";

// Operation `members:revoke_invitation`: the pending link stops working.
export function revokeInvitation(memberId: string) {
  return unwrap(api.DELETE("/api/v1/members/{member_id}/invitation", { params: { path: { member_id: memberId } } }));
}

export function useRevokeInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeInvitation,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersQueryKey }),
  });
}
