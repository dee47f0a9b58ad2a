import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { membersQueryKey } from "./list-members";

export type MemberInvitation = components["schemas"]["MemberInvite"];

// Operation `members:invite`: an invited member and the single-use link mailed to them.
export function inviteMember(invitation: MemberInvitation) {
  return unwrap(api.POST("/api/v1/members/invitations", { body: invitation }));
}

export function useInviteMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: inviteMember,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersQueryKey }),
  });
}
