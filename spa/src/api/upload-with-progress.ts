import { ApiProblem } from "@/lib/problem";
import { api, CSRF_COOKIE, CSRF_HEADER, readCookie } from "./client";

export interface FileUpload {
  /** The operation's path with its query string. */
  url: string;
  /** Sent as the raw request body. */
  file: File;
  contentType: string;
  /** More request headers, sent again as they are on the retry (an Idempotency-Key). */
  headers?: Record<string, string>;
  /** A device session's bearer token; without it, the browser's cookies. */
  accessToken?: string | undefined;
  onProgress: (fraction: number) => void;
}

/**
 * POSTs a file as the raw body and reports how much of it has gone, for the operations that
 * take a whole file (a document, a clients import).
 *
 * XMLHttpRequest rather than openapi-fetch: fetch() reports no upload progress (streamed request
 * bodies need HTTP/2 in Chromium), and a file can take a while. It keeps the client's rules: the
 * CSRF header, RFC 9457 problems, and, for a cookie session, on a 401 the shared session refresh
 * followed by one retry.
 */
export async function uploadWithProgress<Answer>(upload: FileUpload): Promise<Answer> {
  const first = await send(upload);
  if (first.status !== 401 || upload.accessToken) return settle<Answer>(first);
  try {
    // The access cookie expired: any cookie call answered 401 goes through the client's one
    // shared refresh (client.ts).
    await api.GET("/api/v1/me");
  } catch {
    // Offline: the retry below reports it.
  }
  return settle<Answer>(await send(upload));
}

interface RawAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

function send(upload: FileUpload): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", upload.url);
    request.responseType = "text";
    request.setRequestHeader("Content-Type", upload.contentType);
    request.setRequestHeader("Accept", "application/json, application/problem+json");
    for (const [name, value] of Object.entries(upload.headers ?? {})) request.setRequestHeader(name, value);
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

function settle<Answer>(answer: RawAnswer): Answer {
  if (answer.status >= 200 && answer.status < 300) {
    return answer.body as Answer;
  }
  throw ApiProblem.fromResponse(answer.body, new Response(null, { status: answer.status, headers: answer.headers }));
}
