import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { uploadDocumentFile, type UploadedDocument } from "@/api/document-upload";
import { documentsQueryKey, type DocumentType } from "./list-documents";

export type { UploadedDocument };

export interface DocumentUpload {
  /** Required in a firm; a company user's space has one client, which the API picks. */
  clientId?: string | undefined;
  folderId?: string | undefined;
  type: DocumentType;
  /** ISO date; without it the API takes the e-invoice's date, else today. */
  documentDate?: string | undefined;
  file: File;
}

// Operation `documents:upload_document`, with the browser's cookies and a progress callback.
export function uploadDocument(upload: DocumentUpload, onProgress: (fraction: number) => void): Promise<UploadedDocument> {
  return uploadDocumentFile({
    file: upload.file,
    query: {
      client_id: upload.clientId,
      folder_id: upload.folderId,
      type: upload.type,
      document_date: upload.documentDate,
    },
    onProgress,
  });
}

export function useUploadDocument(onProgress: (fraction: number) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (upload: DocumentUpload) => uploadDocument(upload, onProgress),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: documentsQueryKey }),
  });
}
