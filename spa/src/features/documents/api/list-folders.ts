import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { documentsQueryKey } from "./list-documents";

export type Folder = components["schemas"]["FolderOut"];

// Operation `documents:list_folders`: one client's sharing space, flat (`parent_id`), by name.
export const foldersQueryKey = (clientId: string) => [...documentsQueryKey, "folders", clientId] as const;

export function listFolders(clientId: string, signal?: AbortSignal) {
  return unwrap(api.GET("/api/v1/folders", { params: { query: { client_id: clientId } }, signal: signal ?? null }));
}

export function useFolders(clientId: string | undefined) {
  return useQuery({
    queryKey: foldersQueryKey(clientId ?? ""),
    queryFn: ({ signal }) => listFolders(clientId ?? "", signal),
    enabled: clientId !== undefined,
  });
}
