import type { components, paths } from "./schema";
import { uploadWithProgress } from "./upload-with-progress";

export type UploadedDocument = components["schemas"]["DocumentOut"];
type UploadQuery = NonNullable<paths["/api/v1/documents"]["post"]["parameters"]["query"]>;

export interface DocumentUploadRequest {
  file: File;
  /** `client_id`, `type`, `folder_id`, `document_date`…: the query of `documents:upload_document`. */
  query: { [Name in keyof UploadQuery]?: UploadQuery[Name] | undefined };
  /** The phone's device session; without it, the browser's cookies. */
  accessToken?: string | undefined;
  onProgress: (fraction: number) => void;
}

const UPLOAD_PATH = "/api/v1/documents" satisfies keyof paths;

/**
 * Operation `documents:upload_document`: the raw file as the body, the rest in the query. Shared
 * by the web screens and the phone's companion pages. One Idempotency-Key per upload, so that
 * the retry after a session refresh makes no duplicate.
 */
export async function uploadDocumentFile(request: DocumentUploadRequest): Promise<UploadedDocument> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query)) {
    if (value !== undefined && value !== null && value !== "") query.set(name, String(value));
  }
  if (!query.has("filename")) query.set("filename", request.file.name);
  return uploadWithProgress<UploadedDocument>({
    url: `${UPLOAD_PATH}?${query}`,
    file: request.file,
    // The API sniffs the type from the bytes; the name stays metadata.
    contentType: "application/octet-stream",
    headers: { "Idempotency-Key": crypto.randomUUID() },
    accessToken: request.accessToken,
    onProgress: request.onProgress,
  });
}
