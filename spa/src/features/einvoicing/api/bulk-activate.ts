import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { clientsQueryKey } from "@/api/query-keys";

export type BulkActivation = components["schemas"]["BulkActivationIn"];
export type BulkJob = components["schemas"]["BulkJobOut"];

// Operation `einvoicing:bulk_activate`: one result per client at once, then a job the worker
// works through (see get-bulk-activation.ts).
export function bulkActivate(body: BulkActivation) {
  return unwrap(api.POST("/api/v1/einvoicing/bulk-activations", { body }));
}

export function useBulkActivate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: bulkActivate,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clientsQueryKey }),
  });
}
