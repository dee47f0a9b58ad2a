import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { devicesQueryKey } from "./list-devices";
import { sessionsQueryKey } from "./list-sessions";

// Operation `me:revoke_device`: the device and every session it opened.
export function revokeDevice(deviceId: string) {
  return unwrap(
    api.DELETE("/api/v1/me/devices/{device_id}", { params: { path: { device_id: deviceId } } }),
  );
}

export function useRevokeDevice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeDevice,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: devicesQueryKey }),
        queryClient.invalidateQueries({ queryKey: sessionsQueryKey }),
      ]),
  });
}
