import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import type { PublicJwk } from "@/lib/device-key";

export type LoginChallenge = components["schemas"]["LoginChallengeCreated"];

// Operation `auth:create_login_challenge`: the browser's ephemeral public key in, the QR out.
export function createLoginChallenge(browserKey: PublicJwk, signal: AbortSignal) {
  return unwrap(
    api.POST("/api/v1/auth/login-challenges", { body: { browser_key: browserKey }, signal }),
  );
}
