import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { flowsQueryKey } from "./list-flows";

export type FlowDetail = components["schemas"]["FlowDetail"];

// Operation `flows:get_flow_detail`: the validation report and the status messages.
export function getFlow(flowId: string, signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/flows/{flow_id}", { params: { path: { flow_id: flowId } }, signal: signal ?? null }),
  );
}

export function useFlow(flowId: string | null) {
  return useQuery({
    queryKey: [...flowsQueryKey, "detail", flowId],
    queryFn: ({ signal }) => getFlow(flowId ?? "", signal),
    enabled: flowId !== null,
  });
}

/** Operations `flows:download_flow_original` and `flows:view_flow_readable` (cookies authorise). */
export function originalUrl(flowId: string): string {
  return `/api/v1/flows/${encodeURIComponent(flowId)}/original`;
}

export function readableUrl(flowId: string): string {
  return `/api/v1/flows/${encodeURIComponent(flowId)}/readable`;
}
