import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { clientsQueryKey } from "@/api/query-keys";
import type { components } from "@/api/schema";
import { toApiQuery, type ClientListFilters } from "../list-filters";

export type ClientListItem = components["schemas"]["ClientListItem"];

export const PAGE_SIZE = 50;

// Operation `clients:list_clients`: a Comptable gets only the assigned clients (the API scopes).

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

/** The most clients « Sélectionner les N clients du filtre » gathers (the API's own bound). */
export const MAX_SELECTED = 5000;
const COLLECT_PAGE = 200;

export class TooManyClients extends Error {}

/**
 * Every client id the filters select, page after page (the list is cursor-paged and says no
 * total), reporting the count so far: the bulk actions then take exactly the filter's clients,
 * not only the rows loaded on screen.
 */
export async function collectClientIds(
  filters: ClientListFilters,
  onProgress: (count: number) => void,
  signal?: AbortSignal,
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof listClients>> = await unwrap(
      api.GET("/api/v1/clients", {
        params: { query: { ...toApiQuery(filters), limit: COLLECT_PAGE, ...(cursor ? { cursor } : {}) } },
        signal: signal ?? null,
      }),
    );
    ids.push(...page.items.map((item) => item.id));
    if (ids.length > MAX_SELECTED) throw new TooManyClients();
    onProgress(ids.length);
    cursor = page.next_cursor;
  } while (cursor);
  return ids;
}

/**
 * The firm's own client, once « Ajouter mon cabinet comme client » was done (null before): the
 * firm's SIREN comes from `GET /me` (the shell's cached answer), and a search by SIREN finds it.
 * `undefined` while unknown, so the button neither flashes nor shows twice.
 */
export function useFirmItselfClient(enabled: boolean) {
  const me = useQuery({
    queryKey: ["me"],
    queryFn: ({ signal }) => unwrap(api.GET("/api/v1/me", { signal: signal ?? null })),
    enabled,
  });
  const siren = me.data?.workspace?.siren ?? null;
  return useQuery({
    queryKey: [...clientsQueryKey, "firm-itself", siren],
    queryFn: async ({ signal }) => {
      const page = await unwrap(
        api.GET("/api/v1/clients", { params: { query: { q: siren ?? "", limit: 5 } }, signal: signal ?? null }),
      );
      return page.items.find((item) => item.is_firm_itself) ?? null;
    },
    enabled: enabled && siren !== null,
  });
}
