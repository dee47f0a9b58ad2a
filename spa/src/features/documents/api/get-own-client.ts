import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { documentsQueryKey } from "./list-documents";

/**
 * The client a company user's space belongs to. `GET /api/v1/me` does not name it and a company
 * user may not list clients, so it is read from one of its documents: null until the first one
 * is deposited (the upload picks the client by itself). Refetched with every documents change.
 */
export async function getOwnClientId(signal?: AbortSignal): Promise<string | null> {
  const page = await unwrap(api.GET("/api/v1/documents", { params: { query: { limit: 1 } }, signal: signal ?? null }));
  return page.items[0]?.client_id ?? null;
}

export function useOwnClientId(enabled: boolean) {
  return useQuery({
    queryKey: [...documentsQueryKey, "own-client"],
    queryFn: ({ signal }) => getOwnClientId(signal),
    enabled,
  });
}
