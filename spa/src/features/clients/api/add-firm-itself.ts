import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { clientsQueryKey } from "@/api/query-keys";

// Operation `clients:add_firm_itself`: the firm as its own client (its own company space).
export function addFirmItself() {
  return unwrap(api.POST("/api/v1/clients/self"));
}

export function useAddFirmItself() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: addFirmItself,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clientsQueryKey }),
  });
}
