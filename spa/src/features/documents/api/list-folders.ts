import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { allPages, pageQuery } from "@/api/pages";
import type { components } from "@/api/schema";
import { documentsQueryKey } from "./list-documents";

export type Folder = components["schemas"]["FolderOut"];

/**
 * A company user's own sharing space: the API finds its client by itself (as for an upload), so
 * the folder calls leave `client_id` out.
 */
export const OWN_SPACE = "own-space";

/** `client_id` as the API wants it: none for the company's own space. */
export function clientParam(clientId: string): string | null {
  return clientId === OWN_SPACE ? null : clientId;
}

// Every folder list (each client's, and the own space's).
export const allFoldersQueryKey = [...documentsQueryKey, "folders"] as const;

// Operation `documents:list_folders`: one client's sharing space, flat (`parent_id`), by name.
export const foldersQueryKey = (clientId: string) => [...allFoldersQueryKey, clientId] as const;

export function listFolders(clientId: string, signal?: AbortSignal) {
  return allPages((cursor) =>
    unwrap(
      api.GET("/api/v1/folders", {
        params: { query: { ...(clientId === OWN_SPACE ? {} : { client_id: clientId }), ...pageQuery(cursor) } },
        signal: signal ?? null,
      }),
    ),
  );
}

export function useFolders(clientId: string | undefined) {
  return useQuery({
    queryKey: foldersQueryKey(clientId ?? ""),
    queryFn: ({ signal }) => listFolders(clientId ?? "", signal),
    enabled: clientId !== undefined,
  });
}
