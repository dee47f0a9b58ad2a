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

export function useRefuse() {
  return useMutation({
    mutationFn: (body: { token: string; reason: string | null }) =>
      unwrap(api.POST("/api/v1/mandate-signatures/refusal", { body })),
  });
}
