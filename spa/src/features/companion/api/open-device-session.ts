import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { signText } from "@/lib/device-key";
import {
  loadDeviceRegistration,
  loadWorkspaceChoice,
  type DeviceRegistration,
} from "../device-registration";
import { deviceSessionMessage, nowInSeconds } from "../protocol";

export interface DeviceSession {
  registration: DeviceRegistration;
  privateKey: CryptoKey;
  accessToken: string;
  audience: string;
}

/**
 * Operations `auth:create_device_nonce` then `auth:create_device_session`: the phone proves it
 * holds the enrolled key by signing a fresh server nonce, and gets bearer tokens bound to this
 * device. They live in memory only; the next visit signs a new nonce. Null when not enrolled.
 * The session starts in the workspace last chosen on this phone (the API falls back to the
 * default one when the user has left it).
 */
export async function openDeviceSession(): Promise<DeviceSession | null> {
  const enrolled = await loadDeviceRegistration();
  if (!enrolled) {
    return null;
  }
  const { nonce, audience } = await unwrap(api.POST("/api/v1/auth/device-sessions/nonces"));
  const issuedAt = nowInSeconds();
  const deviceId = enrolled.registration.deviceId;
  const signature = await signText(
    enrolled.privateKey,
    deviceSessionMessage({ audience, deviceId, nonce, issuedAt }),
  );
  const workspaceId = loadWorkspaceChoice();
  const tokens = await unwrap(
    api.POST("/api/v1/auth/device-sessions", {
      body: { device_id: deviceId, nonce, issued_at: issuedAt, signature, workspace_id: workspaceId ?? null },
    }),
  );
  return { ...enrolled, accessToken: tokens.access_token, audience };
}

// Shorter than the access token's ten minutes, so a page left open signs a new nonce in time.
const DEVICE_SESSION_STALE_MS = 5 * 60_000;

export function useDeviceSession() {
  return useQuery({
    queryKey: ["companion", "device-session"],
    queryFn: openDeviceSession,
    staleTime: DEVICE_SESSION_STALE_MS,
    retry: false,
  });
}
