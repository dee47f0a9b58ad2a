import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { allFoldersQueryKey } from "./list-folders";

/** A new name, a new parent (null: the top level), or both. */
export interface FolderChange {
  folderId: string;
  name?: string;
  parentId?: string | null;
}

// Operation `documents:update_folder`: rename and/or move within the same client.
export function updateFolder({ folderId, ...change }: FolderChange) {
  const body: { name?: string; parent_id?: string | null } = {};
  if (change.name !== undefined) body.name = change.name;
  if (change.parentId !== undefined) body.parent_id = change.parentId;
  return unwrap(api.PATCH("/api/v1/folders/{folder_id}", { params: { path: { folder_id: folderId } }, body }));
}

export function useUpdateFolder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateFolder,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: allFoldersQueryKey }),
  });
}
