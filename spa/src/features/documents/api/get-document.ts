import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { documentsQueryKey } from "./list-documents";

export type DocumentDetail = components["schemas"]["DocumentOut"];

// Operation `documents:get_document`: the metadata, e-invoice fields included.
export function getDocument(documentId: string, signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/documents/{document_id}", {
      params: { path: { document_id: documentId } },
      signal: signal ?? null,
    }),
  );
}

export function useDocument(documentId: string | null) {
  return useQuery({
    queryKey: [...documentsQueryKey, "detail", documentId],
    queryFn: ({ signal }) => getDocument(documentId ?? "", signal),
    enabled: documentId !== null,
  });
}
