import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { clientsQueryKey } from "./list-clients";

export type BulkAssignment = components["schemas"]["BulkAssignment"];
export type BulkSubscription = components["schemas"]["BulkSubscription"];
// Read through BulkResult: two API models share the name BulkItemResult (clients, e-invoicing).
export type BulkItemResult = components["schemas"]["BulkResult"]["results"][number];

// Operation `clients:bulk_assign`: one result per client, one failure never fails the others.
export function bulkAssign(body: BulkAssignment) {
  return unwrap(api.POST("/api/v1/clients/bulk/assignments", { body }));
}

// Operation `clients:bulk_set_subscription`.
export function bulkSetSubscription(body: BulkSubscription) {
  return unwrap(api.POST("/api/v1/clients/bulk/subscription", { body }));
}

function useBulkMutation<T>(mutationFn: (body: T) => Promise<{ results: BulkItemResult[] }>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clientsQueryKey }),
  });
}

export const useBulkAssign = () => useBulkMutation(bulkAssign);
export const useBulkSetSubscription = () => useBulkMutation(bulkSetSubscription);
