import { loadDeviceKey, saveDeviceKey } from "@/lib/device-key";

/**
 * Which device this browser is, once enrolled: the private key stays a non-extractable
 * CryptoKey in IndexedDB (lib/device-key.ts), and the device id the API gave it sits next to
 * it in localStorage (not a secret: useless without the key).
 */
export interface DeviceRegistration {
  deviceId: string;
  name: string;
}

const KEY_NAME = "companion";
const REGISTRATION_ITEM = "comptoir.companion.device";
const WORKSPACE_ITEM = "comptoir.companion.workspace";

export async function saveDeviceRegistration(
  registration: DeviceRegistration,
  keyPair: CryptoKeyPair,
): Promise<void> {
  await saveDeviceKey(KEY_NAME, keyPair);
  localStorage.setItem(REGISTRATION_ITEM, JSON.stringify(registration));
  // A new enrollment may be another person's: their own choice, if any, comes later.
  localStorage.removeItem(WORKSPACE_ITEM);
}

/** The registration and its key, or null when this browser was never enrolled. */
export async function loadDeviceRegistration(): Promise<{
  registration: DeviceRegistration;
  privateKey: CryptoKey;
} | null> {
  const stored = localStorage.getItem(REGISTRATION_ITEM);
  const keyPair = await loadDeviceKey(KEY_NAME);
  if (!stored || !keyPair) {
    return null;
  }
  const registration = JSON.parse(stored) as DeviceRegistration;
  return { registration, privateKey: keyPair.privateKey };
}

/**
 * The workspace a person in several chose on this phone. Each device session starts in the
 * API's default one (a firm first), so the choice is kept here (an id, not a secret) and
 * applied again to every new device session (api/open-device-session.ts).
 */
export function loadWorkspaceChoice(): string | null {
  return localStorage.getItem(WORKSPACE_ITEM);
}

export function saveWorkspaceChoice(workspaceId: string | null): void {
  if (workspaceId === null) {
    localStorage.removeItem(WORKSPACE_ITEM);
  } else {
    localStorage.setItem(WORKSPACE_ITEM, workspaceId);
  }
}
