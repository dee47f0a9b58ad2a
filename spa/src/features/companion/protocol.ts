/**
 * The strings an enrolled device signs, exactly as api/auth/protocol.py builds them: a
 * domain-separation line naming the purpose and version, then `key=value` lines joined by LF,
 * UTF-8, no trailing newline. A signature made for one purpose can never serve another.
 */
function message(purpose: string, fields: [string, string | number][]): string {
  return [purpose, ...fields.map(([name, value]) => `${name}=${value}`)].join("\n");
}

export function deviceSessionMessage(input: {
  audience: string;
  deviceId: string;
  nonce: string;
  issuedAt: number;
}): string {
  return message("comptoir-device-session-v1", [
    ["aud", input.audience],
    ["device", input.deviceId],
    ["nonce", input.nonce],
    ["iat", input.issuedAt],
  ]);
}

export type Decision = "approve" | "deny";

export function loginDecisionMessage(input: {
  audience: string;
  challengeId: string;
  browserKeyThumbprint: string;
  serverNonce: string;
  decision: Decision;
  deviceId: string;
  issuedAt: number;
}): string {
  return message("comptoir-login-v1", [
    ["aud", input.audience],
    ["challenge", input.challengeId],
    ["browser_jkt", input.browserKeyThumbprint],
    ["nonce", input.serverNonce],
    ["decision", input.decision],
    ["device", input.deviceId],
    ["iat", input.issuedAt],
  ]);
}

/**
 * Approving (or denying) a mandate's signature: these exact bytes of that document
 * (`document_sha256`), under the name the representative typed on the signing page.
 */
export function mandateDecisionMessage(input: {
  audience: string;
  approvalId: string;
  serverNonce: string;
  documentSha256: string;
  signerName: string;
  decision: Decision;
  deviceId: string;
  issuedAt: number;
}): string {
  return message("comptoir-mandate-signature-v1", [
    ["aud", input.audience],
    ["approval", input.approvalId],
    ["nonce", input.serverNonce],
    ["document_sha256", input.documentSha256],
    ["signer", input.signerName],
    ["decision", input.decision],
    ["device", input.deviceId],
    ["iat", input.issuedAt],
  ]);
}

/** Unix time in seconds, as the signed messages carry it (`iat`). */
export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
