import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { clientsQueryKey } from "@/api/query-keys";

export type ImportConfirmation = components["schemas"]["ImportConfirmation"];

// Operation `clients:confirm_import`: creates what the dry run announced (idempotent per row);
// 409 when already confirmed, 410 when the report expired.
export function confirmImport(importId: string) {
  return unwrap(
    api.POST("/api/v1/clients/imports/{import_id}/confirm", { params: { path: { import_id: importId } } }),
  );
}

export function useConfirmImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: confirmImport,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clientsQueryKey }),
  });
}
