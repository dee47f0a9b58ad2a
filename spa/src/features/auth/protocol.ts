/**
 * The string the browser signs to redeem an approved QR login: exactly `redeem_message` of
 * api/auth/protocol.py (domain-separation line, then `key=value` lines joined by LF, no
 * trailing newline). Only the browser holding the key that created the challenge can sign it.
 */
export function redeemMessage({
  audience,
  challengeId,
  serverNonce,
}: {
  audience: string;
  challengeId: string;
  serverNonce: string;
}): string {
  return ["comptoir-redeem-v1", `aud=${audience}`, `challenge=${challengeId}`, `nonce=${serverNonce}`].join(
    "\n",
  );
}
