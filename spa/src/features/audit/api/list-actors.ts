import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";

// Operation `members:list_members`, for the « Auteur » filter: the workspace's people by name.
// Only asked when the user may read the members (an Administrateur and the owner can).
export function useActors(enabled: boolean) {
  return useQuery({
    queryKey: ["members", "audit-actors"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/members", { params: { query: { limit: 200 } }, signal })),
    select: (page) =>
      page.items.map((member) => ({ userId: member.user_id, name: `${member.first_name} ${member.last_name}` })),
    enabled,
  });
}
