import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { clientsQueryKey } from "@/api/query-keys";

export type BulkAssignment = components["schemas"]["BulkAssignment"];
export type BulkSubscription = components["schemas"]["BulkSubscription"];
// Read through BulkResult: two API models share the name BulkItemResult (clients, e-invoicing).
export type BulkItemResult = components["schemas"]["BulkResult"]["results"][number];

/** The most clients one bulk call takes (the API's `MAX_BULK_ITEMS`). */
export const BULK_BATCH = 500;

/**
 * Sends `clientIds` in batches the API accepts, one after the other, and joins their results:
 * « Sélectionner les N clients du filtre » can select more clients than one call takes.
 */
export async function inBatches<R>(
  clientIds: readonly string[],
  send: (batch: string[]) => Promise<{ results: R[] }>,
): Promise<{ results: R[] }> {
  const results: R[] = [];
  for (let start = 0; start < clientIds.length; start += BULK_BATCH) {
    const page = await send(clientIds.slice(start, start + BULK_BATCH));
    results.push(...page.results);
  }
  return { results };
}

// Operation `clients:bulk_assign`: one result per client, one failure never fails the others.
export function bulkAssign(body: BulkAssignment) {
  return inBatches(body.client_ids, (client_ids) =>
    unwrap(api.POST("/api/v1/clients/bulk/assignments", { body: { ...body, client_ids } })),
  );
}

// Operation `clients:bulk_set_subscription`.
export function bulkSetSubscription(body: BulkSubscription) {
  return inBatches(body.client_ids, (client_ids) =>
    unwrap(api.POST("/api/v1/clients/bulk/subscription", { body: { ...body, client_ids } })),
  );
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
