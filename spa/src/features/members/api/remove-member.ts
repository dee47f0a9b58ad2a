import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { membersQueryKey } from "./list-members";

// Operation `members:remove`: out of the workspace (their account stays for other workspaces).
export function removeMember(memberId: string) {
  return unwrap(api.DELETE("/api/v1/members/{member_id}", { params: { path: { member_id: memberId } } }));
}

export function useRemoveMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: removeMember,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersQueryKey }),
  });
}
