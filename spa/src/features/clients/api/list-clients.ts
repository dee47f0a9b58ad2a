import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { toApiQuery, type ClientListFilters } from "../list-filters";

export type ClientListItem = components["schemas"]["ClientListItem"];

export const PAGE_SIZE = 50;

// Operation `clients:list_clients`: a Comptable gets only the assigned clients (the API scopes).
export const clientsQueryKey = ["clients"] as const;

export function listClients(filters: ClientListFilters, cursor: string | null, signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/clients", {
      params: { query: { ...toApiQuery(filters), limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
      signal: signal ?? null,
    }),
  );
}

export function useClients(filters: ClientListFilters) {
  return useInfiniteQuery({
    queryKey: [...clientsQueryKey, "list", filters],
    queryFn: ({ pageParam, signal }) => listClients(filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    // While a new search or filter loads, the previous rows stay on screen instead of a blank.
    placeholderData: keepPreviousData,
  });
}
