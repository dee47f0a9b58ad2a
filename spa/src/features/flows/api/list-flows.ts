import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type FlowSummary = components["schemas"]["FlowSummary"];

export const flowsQueryKey = ["flows"] as const;
const PAGE_SIZE = 50;

// Operation `flows:list_flows`: the flows of the clients whose documents the user sees.
export function listFlows(clientId: string | undefined, cursor: string | null, signal?: AbortSignal) {
  const query: Record<string, string | number> = { limit: PAGE_SIZE };
  if (clientId) query.client_id = clientId;
  if (cursor) query.cursor = cursor;
  return unwrap(api.GET("/api/v1/flows", { params: { query }, signal: signal ?? null }));
}

export function useFlows(clientId: string | undefined) {
  return useInfiniteQuery({
    queryKey: [...flowsQueryKey, "list", clientId ?? null],
    queryFn: ({ pageParam, signal }) => listFlows(clientId, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    placeholderData: keepPreviousData,
  });
}
