import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { membersQueryKey, type FirmRole } from "./list-members";

// Operation `members:change_roles`: replaces the roles (cumulative), effective at once.
export function changeMemberRoles({ memberId, roles }: { memberId: string; roles: FirmRole[] }) {
  return unwrap(
    api.PUT("/api/v1/members/{member_id}/roles", {
      params: { path: { member_id: memberId } },
      body: { roles },
    }),
  );
}

export function useChangeMemberRoles() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changeMemberRoles,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersQueryKey }),
  });
}
