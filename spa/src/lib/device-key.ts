/**
 * The device's signing key, held by WebCrypto and never readable by script.
 *
 * The private key is generated non-extractable: JavaScript (an XSS payload included) can ask it
 * to sign but can never copy it out, so stealing the key means stealing the device. IndexedDB
 * keeps the CryptoKey object itself (structured clone), not its bytes.
 *
 * Signatures are ES256 as JWS defines them (RFC 7518 §3.4): WebCrypto's ECDSA output is already
 * the raw 64-byte r‖s concatenation, not DER, which is what the API verifies.
 */

const ALGORITHM: EcKeyGenParams = { name: "ECDSA", namedCurve: "P-256" };
const SIGNATURE: EcdsaParams = { name: "ECDSA", hash: "SHA-256" };

const DATABASE_NAME = "comptoir";
const DATABASE_VERSION = 1;
const KEY_STORE = "device-keys";

/** The public half as the API receives it (RFC 7517), without any private member. */
// A type alias, not an interface: the generated contract types the JWK with an index
// signature, which only an alias satisfies.
export type PublicJwk = {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
};

/** A new P-256 key pair whose private key can sign but can never be exported. */
export async function generateDeviceKey(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ALGORITHM, false, ["sign", "verify"]);
}

/** The stored key pair under `name`, or a new one stored there first. */
export async function loadOrCreateDeviceKey(name: string): Promise<CryptoKeyPair> {
  const stored = await loadDeviceKey(name);
  if (stored) {
    return stored;
  }
  const created = await generateDeviceKey();
  await saveDeviceKey(name, created);
  return created;
}

export async function loadDeviceKey(name: string): Promise<CryptoKeyPair | undefined> {
  const stored = await withKeyStore("readonly", (store) => store.get(name));
  return isKeyPair(stored) ? stored : undefined;
}

export async function saveDeviceKey(name: string, keyPair: CryptoKeyPair): Promise<void> {
  await withKeyStore("readwrite", (store) => store.put(keyPair, name));
}

/** Forgets the key (device revoked, user signed out of this phone). */
export async function deleteDeviceKey(name: string): Promise<void> {
  await withKeyStore("readwrite", (store) => store.delete(name));
}

export async function exportPublicJwk(publicKey: CryptoKey): Promise<PublicJwk> {
  const jwk = await crypto.subtle.exportKey("jwk", publicKey);
  if (jwk.kty !== "EC" || jwk.crv !== "P-256" || !jwk.x || !jwk.y) {
    throw new TypeError("La clé publique n'est pas une clé P-256.");
  }
  return { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y };
}

/** Signs the UTF-8 bytes of `message`; returns the base64url raw r‖s signature (64 bytes). */
export async function signText(privateKey: CryptoKey, message: string): Promise<string> {
  const signature = await crypto.subtle.sign(
    SIGNATURE,
    privateKey,
    new TextEncoder().encode(message),
  );
  return base64url(new Uint8Array(signature));
}

/**
 * RFC 7638 thumbprint: SHA-256 over the required members only, in lexicographic order, with no
 * whitespace. The login protocol binds a challenge to the browser key by this value.
 */
export async function jwkThumbprint(jwk: PublicJwk): Promise<string> {
  const canonical = `{"crv":"${jwk.crv}","kty":"${jwk.kty}","x":"${jwk.x}","y":"${jwk.y}"}`;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical));
  return base64url(new Uint8Array(digest));
}

export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) {
    binary += String.fromCharCode(byte);
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function isKeyPair(value: unknown): value is CryptoKeyPair {
  return (
    typeof value === "object" &&
    value !== null &&
    "privateKey" in value &&
    "publicKey" in value &&
    value.privateKey instanceof CryptoKey &&
    value.publicKey instanceof CryptoKey
  );
}

function openDatabase(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE_NAME, DATABASE_VERSION);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(KEY_STORE);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error("IndexedDB indisponible."));
  });
}

async function withKeyStore<T>(
  mode: IDBTransactionMode,
  operation: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const database = await openDatabase();
  try {
    return await new Promise<T>((resolve, reject) => {
      const transaction = database.transaction(KEY_STORE, mode);
      const request = operation(transaction.objectStore(KEY_STORE));
      // Resolve on commit, not on the request's success: a write is durable only then.
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error ?? new Error("Transaction échouée."));
      transaction.onabort = () => reject(transaction.error ?? new Error("Transaction annulée."));
    });
  } finally {
    database.close();
  }
}
