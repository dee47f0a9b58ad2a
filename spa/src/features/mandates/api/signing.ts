import { useQuery } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type SigningView = components["schemas"]["SigningView"];
export type SignatureBody = components["schemas"]["SignatureIn"];

// Operations `mandates:open_signature`, `…document`, `…code`, `…signature`, `…refusal`: the
// link's secret travels in the body, never in a URL.
export function useSigningView(token: string) {
  return useQuery({
    queryKey: ["mandate-signature", token],
    queryFn: () => unwrap(api.POST("/api/v1/mandate-signatures/inspect", { body: { token } })),
    enabled: token !== "",
    retry: false,
    staleTime: Infinity,
  });
}

export function fetchMandatePdf(token: string): Promise<Blob> {
  return unwrap(api.POST("/api/v1/mandate-signatures/document", { body: { token }, parseAs: "blob" }));
}

export function useSendCode() {
  return useMutation({
    mutationFn: (token: string) => unwrap(api.POST("/api/v1/mandate-signatures/code", { body: { token } })),
  });
}

export function useSign() {
  return useMutation({
    mutationFn: (body: SignatureBody) => unwrap(api.POST("/api/v1/mandate-signatures/signature", { body })),
  });
}

export type PhoneApproval = components["schemas"]["PhoneApprovalOut"];
export type SignerConsent = components["schemas"]["SignerConsent"];

// Operations `mandates:ask_phone_approval` and `mandates:phone_approval_state`: the page asks
// the enrolled phone, then polls until it answers (approved, denied) or the ask expires.
export function useAskPhone() {
  return useMutation({
    mutationFn: (body: SignerConsent) => unwrap(api.POST("/api/v1/mandate-signatures/phone-approval", { body })),
  });
}

export function usePhoneApprovalState(token: string, asked: PhoneApproval | undefined) {
  return useQuery({
    queryKey: ["mandate-phone-approval", token, asked?.approval_url],
    queryFn: () => unwrap(api.POST("/api/v1/mandate-signatures/phone-approval/state", { body: { token } })),
    enabled: asked !== undefined,
    retry: false,
    refetchInterval: (query) => ((query.state.data ?? asked)?.status === "pending" ? 2000 : false),
  });
}

export function useRefuse() {
  return useMutation({
    mutationFn: (body: { token: string; reason: string | null }) =>
      unwrap(api.POST("/api/v1/mandate-signatures/refusal", { body })),
  });
}
