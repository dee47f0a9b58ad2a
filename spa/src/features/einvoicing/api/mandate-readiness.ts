import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";

// Operation `einvoicing:mandate_readiness`: what a prefilled mandate would print blank
// (the platform's SIREN or registration number not configured, the firm's address unknown).
export function getMandateReadiness(signal?: AbortSignal) {
  return unwrap(api.GET("/api/v1/einvoicing/mandate-readiness", { signal: signal ?? null }));
}

export function useMandateReadiness() {
  return useQuery({
    queryKey: ["einvoicing", "mandate-readiness"],
    queryFn: ({ signal }) => getMandateReadiness(signal),
    select: (readiness) => readiness.missing,
    staleTime: 5 * 60_000,
  });
}
