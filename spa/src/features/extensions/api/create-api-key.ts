import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { apiKeysQueryKey } from "./list-api-keys";

export type NewApiKey = components["schemas"]["ApiKeyCreate"];
export type CreatedApiKey = components["schemas"]["ApiKeyCreated"];

// Operation `api_keys:create_api_key`: the secret is in this answer only.
export function createApiKey(key: NewApiKey) {
  return unwrap(api.POST("/api/v1/api-keys", { body: key }));
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createApiKey,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeysQueryKey }),
  });
}
