import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { documentsQueryKey } from "./list-documents";

/** Where the document goes: one of its client's folders, or none (the top of the space). */
export interface DocumentMove {
  documentId: string;
  folderId: string | null;
}

// Operation `documents:update_document`, its `folder_id` only (null: out of every folder).
export function moveDocument({ documentId, folderId }: DocumentMove) {
  return unwrap(
    api.PATCH("/api/v1/documents/{document_id}", {
      params: { path: { document_id: documentId } },
      body: { folder_id: folderId },
    }),
  );
}

export function useMoveDocument() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: moveDocument,
    // The list (folder column, folder filter) and the opened document both changed.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: documentsQueryKey }),
  });
}
