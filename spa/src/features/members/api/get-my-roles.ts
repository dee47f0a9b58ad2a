import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";

// Operation `me:get_me`, read here for the caller's own roles and user id (only the owner
// offers the owner role; nobody deactivates themselves from this screen). Same key as the
// shell's query, so the answer comes from the cache.
export function useMyself() {
  return useQuery({
    queryKey: ["me"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/me", { signal })),
    select: (me) => ({ userId: me.user.id, roles: me.workspace?.roles ?? me.roles }),
  });
}
