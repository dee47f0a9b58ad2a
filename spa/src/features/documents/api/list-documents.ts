import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components, paths } from "@/api/schema";

export type DocumentListItem = components["schemas"]["DocumentListItem"];
export type DocumentType = components["schemas"]["DocumentType"];
export type DocumentSort = NonNullable<NonNullable<paths["/api/v1/documents"]["get"]["parameters"]["query"]>["sort"]>;

export const DOCUMENT_TYPES: readonly DocumentType[] = ["invoice", "statement", "shared", "other"];
export const DOCUMENT_SORTS: readonly DocumentSort[] = ["-date", "date", "-amount", "amount"];
export const PAGE_SIZE = 50;

export interface DocumentFilters {
  client_id?: string | undefined;
  folder_id?: string | undefined;
  type?: DocumentType | undefined;
  date_from?: string | undefined;
  date_to?: string | undefined;
  /** At least 2 characters (the API's rule); shorter text is not sent. */
  q?: string | undefined;
  sort: DocumentSort;
}

// Operation `documents:list_documents`: a Comptable gets only the assigned clients (the API scopes).
export const documentsQueryKey = ["documents"] as const;

export function listDocuments(filters: DocumentFilters, cursor: string | null, signal?: AbortSignal) {
  const query: Record<string, string | number> = { limit: PAGE_SIZE, sort: filters.sort };
  for (const key of ["client_id", "folder_id", "type", "date_from", "date_to"] as const) {
    const value = filters[key];
    if (value) query[key] = value;
  }
  if (filters.q && filters.q.trim().length >= 2) query.q = filters.q.trim();
  if (cursor) query.cursor = cursor;
  return unwrap(api.GET("/api/v1/documents", { params: { query }, signal: signal ?? null }));
}

export function useDocuments(filters: DocumentFilters) {
  return useInfiniteQuery({
    queryKey: [...documentsQueryKey, "list", filters],
    queryFn: ({ pageParam, signal }) => listDocuments(filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    placeholderData: keepPreviousData,
  });
}
