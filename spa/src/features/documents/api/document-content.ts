import { useQuery } from "@tanstack/react-query";
import { ApiProblem } from "@/lib/problem";
import { documentsQueryKey } from "./list-documents";

/** Operation `documents:get_content`: the download address (the cookies authorise it). */
export function contentUrl(documentId: string): string {
  return `/api/v1/documents/${encodeURIComponent(documentId)}/content`;
}

/** What the browser can show inline: PDFs in its viewer, images in an <img>. */
export function previewable(mediaType: string): "pdf" | "image" | null {
  if (mediaType === "application/pdf") return "pdf";
  if (/^image\/(png|jpeg|gif|webp)$/.test(mediaType)) return "image";
  return null;
}

// The API answers the content as an attachment (a direct <iframe src> would download it): the
// preview reads the bytes and shows them from an object URL, typed by the sniffed media type.
const PREVIEW_MAX_BYTES = 25 * 1024 * 1024;

async function fetchPreview(documentId: string, mediaType: string, signal: AbortSignal): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(contentUrl(documentId), { credentials: "include", signal });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw ApiProblem.network();
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    throw ApiProblem.fromResponse(body, response);
  }
  return new Blob([await response.blob()], { type: mediaType });
}

export function useDocumentPreview(documentId: string, mediaType: string, size: number) {
  const enabled = previewable(mediaType) !== null && size <= PREVIEW_MAX_BYTES;
  return useQuery({
    queryKey: [...documentsQueryKey, "preview", documentId],
    queryFn: ({ signal }) => fetchPreview(documentId, mediaType, signal),
    enabled,
    staleTime: Infinity,
    gcTime: 0,
  });
}
