import { useMutation } from "@tanstack/react-query";
import { api, CSRF_COOKIE, CSRF_HEADER, readCookie } from "@/api/client";
import type { components, paths } from "@/api/schema";
import { ApiProblem } from "@/lib/problem";

export type ImportReport = components["schemas"]["ImportReport"];

const UPLOAD_PATH = "/api/v1/clients/imports" satisfies keyof paths;
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/**
 * Operation `clients:upload_import`: the raw .xlsx as the body, answered by the dry-run report.
 *
 * This one call leaves openapi-fetch for XMLHttpRequest: fetch() reports no upload progress
 * (streamed request bodies need HTTP/2 in Chromium), and a firm's file can take a while. It
 * keeps the client's rules: the CSRF header, RFC 9457 problems, and on a 401 the shared
 * session refresh (any cookie call triggers it) followed by one retry.
 */
export async function uploadImport(file: File, onProgress: (fraction: number) => void): Promise<ImportReport> {
  const first = await send(file, onProgress);
  if (first.status !== 401) return settle(first);
  // The access cookie expired: a cheap cookie call goes through the client's one shared refresh.
  try {
    await api.GET("/api/v1/me");
  } catch {
    // Offline: the retry below reports it.
  }
  return settle(await send(file, onProgress));
}

interface RawAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

function send(file: File, onProgress: (fraction: number) => void): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", `${UPLOAD_PATH}?${new URLSearchParams({ file_name: file.name })}`);
    request.withCredentials = true;
    request.responseType = "text";
    request.setRequestHeader("Content-Type", XLSX_TYPE);
    request.setRequestHeader("Accept", "application/json, application/problem+json");
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
    request.send(file);
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

function settle(answer: RawAnswer): ImportReport {
  if (answer.status >= 200 && answer.status < 300) {
    return answer.body as ImportReport;
  }
  throw ApiProblem.fromResponse(answer.body, new Response(null, { status: answer.status, headers: answer.headers }));
}

export function useUploadImport(onProgress: (fraction: number) => void) {
  return useMutation({ mutationFn: (file: File) => uploadImport(file, onProgress) });
}
