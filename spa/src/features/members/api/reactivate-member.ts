import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { membersQueryKey } from "./list-members";

// Operation `members:reactivate`: the member gets their access back.
export function reactivateMember(memberId: string) {
  return unwrap(api.POST("/api/v1/members/{member_id}/reactivate", { params: { path: { member_id: memberId } } }));
}

export function useReactivateMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: reactivateMember,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersQueryKey }),
  });
}
