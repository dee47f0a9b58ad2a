import { useMutation } from "@/lib/mutation";
import { api, bearer, unwrap } from "@/api/client";
import { signText } from "@/lib/device-key";
import type { DeviceSession } from "./open-device-session";
import type { MandateApprovalContext } from "./get-mandate-approval";
import { mandateDecisionMessage, nowInSeconds, type Decision } from "../protocol";

// Operation `mandates:decide_mandate_approval`: approve or deny signing, signed by the enrolled
// key over the approval, the server nonce, the document's SHA-256 and the typed name.
export async function decideMandateApproval(
  session: DeviceSession,
  context: MandateApprovalContext,
  decision: Decision,
) {
  const issuedAt = nowInSeconds();
  const deviceId = session.registration.deviceId;
  const signature = await signText(
    session.privateKey,
    mandateDecisionMessage({
      audience: context.audience,
      approvalId: context.approval_id,
      serverNonce: context.server_nonce,
      documentSha256: context.document_sha256,
      signerName: context.signer_name,
      decision,
      deviceId,
      issuedAt,
    }),
  );
  return unwrap(
    api.POST("/api/v1/mandate-approvals/{approval_id}/decision", {
      params: { path: { approval_id: context.approval_id } },
      headers: bearer(session.accessToken),
      body: { decision, device_id: deviceId, issued_at: issuedAt, signature },
    }),
  );
}

export function useDecideMandateApproval(
  session: DeviceSession | null | undefined,
  context: MandateApprovalContext | undefined,
) {
  return useMutation({
    mutationFn: (decision: Decision) => {
      if (!session || !context) {
        throw new Error("Aucune demande de signature à traiter.");
      }
      return decideMandateApproval(session, context, decision);
    },
  });
}
