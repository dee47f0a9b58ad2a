import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { documentsQueryKey } from "./list-documents";

// Operation `documents:delete_document`: a soft delete, audited by the API.
export function deleteDocument(documentId: string) {
  return unwrap(
    api.DELETE("/api/v1/documents/{document_id}", { params: { path: { document_id: documentId } } }),
  );
}

export function useDeleteDocument() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteDocument,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: documentsQueryKey }),
  });
}
