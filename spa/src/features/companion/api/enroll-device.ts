import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { exportPublicJwk, generateDeviceKey } from "@/lib/device-key";
import { saveDeviceRegistration } from "../device-registration";
import { enrollmentQueryKey } from "./inspect-enrollment";

// Operation `devices:enroll_device`: this browser's new public key, with the single-use token.
export async function enrollThisDevice({ enrollmentToken, name }: { enrollmentToken: string; name: string }) {
  // A fresh key for each enrollment: a key is never shared between two accounts.
  const keyPair = await generateDeviceKey();
  const device = await unwrap(
    api.POST("/api/v1/devices", {
      body: {
        enrollment_token: enrollmentToken,
        public_key: await exportPublicJwk(keyPair.publicKey),
        name,
        platform: "web",
      },
    }),
  );
  await saveDeviceRegistration({ deviceId: device.id, name: device.name }, keyPair);
  return device;
}

export function useEnrollThisDevice(enrollmentToken: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => enrollThisDevice({ enrollmentToken, name }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: enrollmentQueryKey(enrollmentToken) }),
  });
}
