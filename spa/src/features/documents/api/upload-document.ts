import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, CSRF_COOKIE, CSRF_HEADER, readCookie } from "@/api/client";
import type { components, paths } from "@/api/schema";
import { ApiProblem } from "@/lib/problem";
import { documentsQueryKey, type DocumentType } from "./list-documents";

export type UploadedDocument = components["schemas"]["DocumentOut"];

export interface DocumentUpload {
  clientId: string;
  type: DocumentType;
  file: File;
}

const UPLOAD_PATH = "/api/v1/documents" satisfies keyof paths;

/**
 * Operation `documents:upload_document`: the raw file as the body, the rest in the query.
 *
 * XMLHttpRequest rather than openapi-fetch: fetch() reports no upload progress. It keeps the
 * client's rules: the CSRF header, RFC 9457 problems, and on a 401 the shared session refresh
 * followed by one retry. One Idempotency-Key per upload, so that retry makes no duplicate.
 */
export async function uploadDocument(upload: DocumentUpload, onProgress: (fraction: number) => void): Promise<UploadedDocument> {
  const idempotencyKey = crypto.randomUUID();
  const first = await send(upload, idempotencyKey, onProgress);
  if (first.status !== 401) return settle(first);
  try {
    await api.GET("/api/v1/me");
  } catch {
    // Offline: the retry below reports it.
  }
  return settle(await send(upload, idempotencyKey, onProgress));
}

interface RawAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

function send(upload: DocumentUpload, idempotencyKey: string, onProgress: (fraction: number) => void): Promise<RawAnswer> {
  const query = new URLSearchParams({ client_id: upload.clientId, type: upload.type, filename: upload.file.name });
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", `${UPLOAD_PATH}?${query}`);
    request.withCredentials = true;
    request.responseType = "text";
    // The API sniffs the type from the bytes; the name stays metadata.
    request.setRequestHeader("Content-Type", "application/octet-stream");
    request.setRequestHeader("Accept", "application/json, application/problem+json");
    request.setRequestHeader("Idempotency-Key", idempotencyKey);
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) request.setRequestHeader(CSRF_HEADER, csrf);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      let body: unknown = null;
      try {
        body = request.responseText ? JSON.parse(request.responseText) : null;
      } catch {
        body = null;
      }
      resolve({ status: request.status, body, headers: parseHeaders(request.getAllResponseHeaders()) });
    };
    request.onerror = () => reject(ApiProblem.network());
    request.send(upload.file);
  });
}

function parseHeaders(raw: string): Headers {
  const headers = new Headers();
  for (const line of raw.trim().split(/[\r\n]+/)) {
    const separator = line.indexOf(":");
    if (separator > 0) headers.append(line.slice(0, separator).trim(), line.slice(separator + 1).trim());
  }
  return headers;
}

function settle(answer: RawAnswer): UploadedDocument {
  if (answer.status >= 200 && answer.status < 300) {
    return answer.body as UploadedDocument;
  }
  throw ApiProblem.fromResponse(answer.body, new Response(null, { status: answer.status, headers: answer.headers }));
}

export function useUploadDocument(onProgress: (fraction: number) => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (upload: DocumentUpload) => uploadDocument(upload, onProgress),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: documentsQueryKey }),
  });
}
