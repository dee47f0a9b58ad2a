import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";

// Operation `me:switch_workspace`: the session now acts in another of the user's workspaces.
export function switchWorkspace(workspaceId: string) {
  return unwrap(api.PUT("/api/v1/me/workspace", { body: { workspace_id: workspaceId } }));
}

export function useSwitchWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: switchWorkspace,
    // Every answer cached so far belongs to the previous workspace.
    onSuccess: () => queryClient.resetQueries(),
  });
}
