import { useMutation } from "@/lib/mutation";
import { uploadDocumentFile, type UploadedDocument } from "@/api/document-upload";
import type { components } from "@/api/schema";

export type { UploadedDocument };
export type DocumentType = components["schemas"]["DocumentType"];

export interface DeviceUpload {
  accessToken: string;
  /** A firm user's choice; a company user's space has one client, which the API takes. */
  clientId: string | undefined;
  type: DocumentType;
  file: File;
}

// Operation `documents:upload_document` with the phone's device session (the API records the
// source as « Application mobile »).
export function useUploadFromDevice(onProgress: (fraction: number) => void) {
  return useMutation({
    mutationFn: ({ accessToken, clientId, type, file }: DeviceUpload) =>
      uploadDocumentFile({ file, query: { client_id: clientId, type }, accessToken, onProgress }),
  });
}
