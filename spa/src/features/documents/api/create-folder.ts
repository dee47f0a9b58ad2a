import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { allFoldersQueryKey, clientParam } from "./list-folders";

export interface NewFolder {
  clientId: string;
  name: string;
  parentId: string | null;
}

// Operation `documents:create_folder`: names are unique per parent (409 otherwise).
export function createFolder({ clientId, name, parentId }: NewFolder) {
  return unwrap(api.POST("/api/v1/folders", { body: { client_id: clientParam(clientId), name, parent_id: parentId } }));
}

export function useCreateFolder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createFolder,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: allFoldersQueryKey }),
  });
}
