import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { foldersQueryKey } from "./list-folders";

// Operation `documents:delete_folder`: only an empty folder goes; otherwise a 409 whose French
// `detail` says what to do first.
export function deleteFolder({ folderId }: { folderId: string; clientId: string }) {
  return unwrap(api.DELETE("/api/v1/folders/{folder_id}", { params: { path: { folder_id: folderId } } }));
}

export function useDeleteFolder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteFolder,
    onSuccess: (_answer, { clientId }) => queryClient.invalidateQueries({ queryKey: foldersQueryKey(clientId) }),
  });
}
