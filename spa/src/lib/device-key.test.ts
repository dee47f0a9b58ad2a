import "fake-indexeddb/auto";
import { createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  deleteDeviceKey,
  exportPublicJwk,
  generateDeviceKey,
  jwkThumbprint,
  loadDeviceKey,
  loadOrCreateDeviceKey,
  signText,
  type PublicJwk,
} from "./device-key";

// RFC 7517 Appendix A.1/A.2: a published P-256 key, so the thumbprint below is a fixed value
// computed outside this code (Python hashlib over the RFC 7638 canonical JSON).
const RFC7517_PUBLIC: PublicJwk = {
  kty: "EC",
  crv: "P-256",
  x: "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
  y: "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
};
const RFC7517_PRIVATE_D = "870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE";
const RFC7517_THUMBPRINT = "cn-I_WNMClehiVp51i_0VpOENW1upEerA8sEam5hn-s";

function fromBase64url(value: string): Buffer {
  return Buffer.from(value, "base64url");
}

describe("device key", () => {
  it("keeps the private key non-extractable", async () => {
    const { privateKey } = await generateDeviceKey();

    expect(privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey("jwk", privateKey)).rejects.toThrow();
  });

  it("exports only the public members of the JWK", async () => {
    const { publicKey } = await generateDeviceKey();

    const jwk = await exportPublicJwk(publicKey);

    expect(Object.keys(jwk).sort()).toEqual(["crv", "kty", "x", "y"]);
    expect(fromBase64url(jwk.x)).toHaveLength(32);
    expect(fromBase64url(jwk.y)).toHaveLength(32);
  });

  it("signs in the JWS ES256 format another implementation verifies", async () => {
    const privateKey = await crypto.subtle.importKey(
      "jwk",
      { ...RFC7517_PUBLIC, d: RFC7517_PRIVATE_D },
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["sign"],
    );
    const message = "comptoir-login-v1\nchallenge=é✓";

    const signature = await signText(privateKey, message);

    expect(signature).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(fromBase64url(signature)).toHaveLength(64);
    // OpenSSL through node:crypto, reading the raw r‖s form as JWS defines it.
    const publicKey = createPublicKey({ key: { ...RFC7517_PUBLIC }, format: "jwk" });
    const valid = verify(
      "sha256",
      Buffer.from(message, "utf8"),
      { key: publicKey, dsaEncoding: "ieee-p1363" },
      fromBase64url(signature),
    );
    expect(valid).toBe(true);
  });

  it("computes the RFC 7638 thumbprint", async () => {
    expect(await jwkThumbprint(RFC7517_PUBLIC)).toBe(RFC7517_THUMBPRINT);
  });

  it("keeps the key pair in IndexedDB across loads", async () => {
    const created = await loadOrCreateDeviceKey("phone");

    const loaded = await loadOrCreateDeviceKey("phone");

    expect(await exportPublicJwk(loaded.publicKey)).toEqual(
      await exportPublicJwk(created.publicKey),
    );
    expect(loaded.privateKey.extractable).toBe(false);
    const signature = await signText(loaded.privateKey, "bonjour");
    const valid = await crypto.subtle.verify(
      { name: "ECDSA", hash: "SHA-256" },
      created.publicKey,
      new Uint8Array(fromBase64url(signature)),
      new TextEncoder().encode("bonjour"),
    );
    expect(valid).toBe(true);
  });

  it("forgets a deleted key", async () => {
    await loadOrCreateDeviceKey("revoked-phone");

    await deleteDeviceKey("revoked-phone");

    expect(await loadDeviceKey("revoked-phone")).toBeUndefined();
  });
});
