import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type Member = components["schemas"]["MemberOut"];
export type MemberStatus = Member["status"];
export type FirmRole = components["schemas"]["MemberInvite"]["roles"][number];

export interface MemberFilters {
  search: string;
  role: FirmRole | "";
  status: MemberStatus | "";
}

// Operation `members:list_members`: by last name, one page per « Charger plus ».
export const membersQueryKey = ["members"] as const;
const PAGE_SIZE = 50;

export function listMembers(filters: MemberFilters, cursor: string | null, signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/members", {
      params: {
        // openapi-fetch leaves null parameters out of the query string.
        query: {
          q: filters.search.trim() || null,
          role: filters.role || null,
          status: filters.status || null,
          limit: PAGE_SIZE,
          cursor,
        },
      },
      signal: signal ?? null,
    }),
  );
}

export function useMembers(filters: MemberFilters) {
  return useInfiniteQuery({
    queryKey: [...membersQueryKey, filters],
    queryFn: ({ pageParam, signal }) => listMembers(filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    // A new filter keeps the current rows on screen until its answer arrives (no flicker).
    placeholderData: keepPreviousData,
  });
}
