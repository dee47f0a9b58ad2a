import { describe, expect, it } from "vitest";
import { deviceSessionMessage, loginDecisionMessage } from "./protocol";

// The expected strings are the ones api/auth/protocol.py produces for the same values.
describe("device signing inputs", () => {
  it("builds the device session message", () => {
    expect(
      deviceSessionMessage({ audience: "https://comptoir.test", deviceId: "d-1", nonce: "n-1", issuedAt: 1_790_000_000 }),
    ).toBe("comptoir-device-session-v1\naud=https://comptoir.test\ndevice=d-1\nnonce=n-1\niat=1790000000");
  });

  it("builds the login decision message", () => {
    expect(
      loginDecisionMessage({
        audience: "https://comptoir.test",
        challengeId: "c-1",
        browserKeyThumbprint: "jkt",
        serverNonce: "sn",
        decision: "deny",
        deviceId: "d-1",
        issuedAt: 1_790_000_000,
      }),
    ).toBe(
      "comptoir-login-v1\naud=https://comptoir.test\nchallenge=c-1\nbrowser_jkt=jkt\nnonce=sn\ndecision=deny\ndevice=d-1\niat=1790000000",
    );
  });
});
