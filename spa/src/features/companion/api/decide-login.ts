import { useMutation } from "@/lib/mutation";
import { api, bearer, unwrap } from "@/api/client";
import { signText } from "@/lib/device-key";
import type { DeviceSession } from "./open-device-session";
import type { RequesterContext } from "./get-login-context";
import { loginDecisionMessage, nowInSeconds, type Decision } from "../protocol";

// Operation `auth:decide_login_challenge`: approve or deny, signed by the enrolled key over the
// challenge, the requesting browser's key thumbprint and the server nonce.
export async function decideLogin(session: DeviceSession, context: RequesterContext, decision: Decision) {
  const issuedAt = nowInSeconds();
  const deviceId = session.registration.deviceId;
  const signature = await signText(
    session.privateKey,
    loginDecisionMessage({
      audience: context.audience,
      challengeId: context.challenge_id,
      browserKeyThumbprint: context.browser_key_thumbprint,
      serverNonce: context.server_nonce,
      decision,
      deviceId,
      issuedAt,
    }),
  );
  return unwrap(
    api.POST("/api/v1/auth/login-challenges/{challenge_id}/decision", {
      params: { path: { challenge_id: context.challenge_id } },
      headers: bearer(session.accessToken),
      body: { decision, device_id: deviceId, issued_at: issuedAt, signature },
    }),
  );
}

export function useDecideLogin(session: DeviceSession | null | undefined, context: RequesterContext | undefined) {
  return useMutation({
    mutationFn: (decision: Decision) => {
      if (!session || !context) {
        throw new Error("Aucune demande de connexion à traiter.");
      }
      return decideLogin(session, context, decision);
    },
  });
}
