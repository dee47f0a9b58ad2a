import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { allPages, pageQuery } from "@/api/pages";
import type { components } from "@/api/schema";

export type ApiKey = components["schemas"]["ApiKeyOut"];
export type ApiKeyScope = components["schemas"]["ApiKeyCreate"]["scopes"][number];

// Operation `api_keys:list_api_keys`: without their secrets.
export const apiKeysQueryKey = ["api-keys"] as const;

export function listApiKeys(signal?: AbortSignal) {
  return allPages((cursor) =>
    unwrap(api.GET("/api/v1/api-keys", { params: { query: pageQuery(cursor) }, signal: signal ?? null })),
  );
}

export function useApiKeys() {
  return useQuery({ queryKey: apiKeysQueryKey, queryFn: ({ signal }) => listApiKeys(signal) });
}
