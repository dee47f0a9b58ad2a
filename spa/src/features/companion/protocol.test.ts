import { describe, expect, it } from "vitest";
import { deviceSessionMessage, loginDecisionMessage, mandateDecisionMessage } from "./protocol";

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

  it("builds the mandate signature decision message, the typed name as is", () => {
    expect(
      mandateDecisionMessage({
        audience: "https://comptoir.test",
        approvalId: "a-1",
        serverNonce: "sn",
        documentSha256: "ab".repeat(32),
        signerName: "Élodie Chevalier",
        decision: "approve",
        deviceId: "d-1",
        issuedAt: 1_790_000_000,
      }),
    ).toBe(
      `comptoir-mandate-signature-v1\naud=https://comptoir.test\napproval=a-1\nnonce=sn\ndocument_sha256=${"ab".repeat(32)}\nsigner=Élodie Chevalier\ndecision=approve\ndevice=d-1\niat=1790000000`,
    );
  });
});
