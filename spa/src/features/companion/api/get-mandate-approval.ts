import { useQuery } from "@tanstack/react-query";
import { api, bearer, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type MandateApprovalContext = components["schemas"]["MandateApprovalContext"];

// Operation `mandates:get_mandate_approval` (device session of the representative): what the
// phone is asked to approve — the mandate, the name typed on the signing page, its browser.
export function getMandateApproval(approvalId: string, accessToken: string, signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/mandate-approvals/{approval_id}", {
      params: { path: { approval_id: approvalId } },
      headers: bearer(accessToken),
      signal: signal ?? null,
    }),
  );
}

export function useMandateApproval(approvalId: string, accessToken: string | undefined) {
  return useQuery({
    queryKey: ["companion", "mandate-approval", approvalId],
    queryFn: ({ signal }) => getMandateApproval(approvalId, accessToken ?? "", signal),
    enabled: accessToken !== undefined,
    // Read once, before deciding: no refetch on focus behind the representative's back.
    staleTime: Infinity,
    retry: false,
  });
}
