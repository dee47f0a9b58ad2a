import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { membersQueryKey } from "./list-members";

// Operation `members:resend_invitation`: a new link is mailed, the previous one stops working.
export function resendInvitation(memberId: string) {
  return unwrap(api.POST("/api/v1/members/{member_id}/invitation/resend", { params: { path: { member_id: memberId } } }));
}

export function useResendInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: resendInvitation,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersQueryKey }),
  });
}
