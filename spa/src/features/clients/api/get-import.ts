import { useInfiniteQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type ImportRow = components["schemas"]["ImportRowOut"];
export type ImportOutcome = ImportRow["outcome"];

/** One page of an import's report: what the upload, the confirmation and the GET all carry. */
export interface ImportRowsPage {
  rows: ImportRow[];
  next_cursor: string | null;
}

export const IMPORT_PAGE_SIZE = 200;

// Operation `clients:get_import`: the report a page at a time, in sheet order, optionally one
// outcome only. Its own key root: confirming invalidates the clients, not a report on screen.
export function getImportRows(
  importId: string,
  outcome: ImportOutcome | null,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<ImportRowsPage> {
  return unwrap(
    api.GET("/api/v1/clients/imports/{import_id}", {
      params: {
        path: { import_id: importId },
        query: { limit: IMPORT_PAGE_SIZE, ...(outcome ? { outcome } : {}), ...(cursor ? { cursor } : {}) },
      },
      signal: signal ?? null,
    }),
  ).then((report) => ({ rows: report.rows, next_cursor: report.next_cursor }));
}

/**
 * The rows of an import's report, page after page. `stage` tells the dry run's report from
 * the confirmed one (the same import, other outcomes); `firstPage`, when the upload or the
 * confirmation already answered it, is not fetched again.
 */
export function useImportRows({
  importId,
  stage,
  outcome,
  firstPage,
  enabled = true,
}: {
  importId: string;
  stage: "analysed" | "confirmed";
  outcome: ImportOutcome | null;
  firstPage?: ImportRowsPage;
  enabled?: boolean;
}) {
  return useInfiniteQuery({
    queryKey: ["client-imports", importId, stage, outcome ?? "all"],
    queryFn: ({ pageParam, signal }) => getImportRows(importId, outcome, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.next_cursor,
    ...(firstPage ? { initialData: { pages: [firstPage], pageParams: [null] } } : {}),
    // A report only changes when it is confirmed, which is another stage.
    staleTime: Infinity,
    enabled,
  });
}
