import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { membersQueryKey } from "./list-members";

// Operation `members:deactivate`: the member's sessions in this workspace end now.
export function deactivateMember(memberId: string) {
  return unwrap(api.POST("/api/v1/members/{member_id}/deactivate", { params: { path: { member_id: memberId } } }));
}

export function useDeactivateMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deactivateMember,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersQueryKey }),
  });
}
