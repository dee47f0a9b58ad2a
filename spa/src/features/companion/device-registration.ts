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

export async function saveDeviceRegistration(
  registration: DeviceRegistration,
  keyPair: CryptoKeyPair,
): Promise<void> {
  await saveDeviceKey(KEY_NAME, keyPair);
  localStorage.setItem(REGISTRATION_ITEM, JSON.stringify(registration));
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
