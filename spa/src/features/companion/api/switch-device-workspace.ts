import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, bearer, unwrap } from "@/api/client";
import { saveWorkspaceChoice } from "../device-registration";
import { deviceActivityQueryKey } from "./get-activity";
import { deviceMeQueryKey } from "./get-device-me";

export interface DeviceWorkspaceSwitch {
  accessToken: string;
  workspaceId: string;
}

// Operation `me:switch_workspace` with the phone's device session (204): the API stores the
// workspace on the session, so the same bearer token acts in the new workspace at once.
export function switchDeviceWorkspace({ accessToken, workspaceId }: DeviceWorkspaceSwitch) {
  return unwrap(
    api.PUT("/api/v1/me/workspace", { body: { workspace_id: workspaceId }, headers: bearer(accessToken) }),
  );
}

export function useSwitchDeviceWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: switchDeviceWorkspace,
    // Read again who the user is there (roles, kind) before the switch counts as done, so the
    // page never shows the new workspace's name with the previous one's choices; the clients
    // list is keyed by workspace (api/list-device-clients.ts), the activity gains the switch.
    onSuccess: async (_, { workspaceId }) => {
      saveWorkspaceChoice(workspaceId);
      await queryClient.invalidateQueries({ queryKey: deviceMeQueryKey });
      await queryClient.invalidateQueries({ queryKey: deviceActivityQueryKey });
    },
  });
}
