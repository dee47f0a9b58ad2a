import { ApiProblem } from "@/lib/problem";
import { api, CSRF_COOKIE, CSRF_HEADER, readCookie } from "./client";
import type { components, paths } from "./schema";

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
 * by the web screens and the phone's companion pages.
 *
 * XMLHttpRequest rather than openapi-fetch: fetch() reports no upload progress. It keeps the
 * client's rules: the CSRF header, RFC 9457 problems, and, for a cookie session, on a 401 the
 * shared session refresh followed by one retry. One Idempotency-Key per upload, so that retry
 * makes no duplicate.
 */
export async function uploadDocumentFile(request: DocumentUploadRequest): Promise<UploadedDocument> {
  const idempotencyKey = crypto.randomUUID();
  const first = await send(request, idempotencyKey);
  if (first.status !== 401 || request.accessToken) return settle(first);
  try {
    // Any cookie call answered 401 refreshes the session (client.ts), shared with the others.
    await api.GET("/api/v1/me");
  } catch {
    // Offline: the retry below reports it.
  }
  return settle(await send(request, idempotencyKey));
}

interface RawAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

function send(upload: DocumentUploadRequest, idempotencyKey: string): Promise<RawAnswer> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(upload.query)) {
    if (value !== undefined && value !== null && value !== "") query.set(name, String(value));
  }
  if (!query.has("filename")) query.set("filename", upload.file.name);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", `${UPLOAD_PATH}?${query}`);
    request.responseType = "text";
    // The API sniffs the type from the bytes; the name stays metadata.
    request.setRequestHeader("Content-Type", "application/octet-stream");
    request.setRequestHeader("Accept", "application/json, application/problem+json");
    request.setRequestHeader("Idempotency-Key", idempotencyKey);
    if (upload.accessToken) {
      request.setRequestHeader("Authorization", `Bearer ${upload.accessToken}`);
    } else {
      request.withCredentials = true;
      const csrf = readCookie(CSRF_COOKIE);
      if (csrf) request.setRequestHeader(CSRF_HEADER, csrf);
    }
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) upload.onProgress(event.loaded / event.total);
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
