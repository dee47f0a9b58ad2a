import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { allPages, pageQuery } from "@/api/pages";
import type { components } from "@/api/schema";

export type AccountDevice = components["schemas"]["DeviceOut"];

// Operation `me:list_devices`.
export const devicesQueryKey = ["me", "devices"] as const;

export function listDevices(signal?: AbortSignal) {
  return allPages((cursor) =>
    unwrap(api.GET("/api/v1/me/devices", { params: { query: pageQuery(cursor) }, signal: signal ?? null })),
  );
}

export function useDevices() {
  return useQuery({ queryKey: devicesQueryKey, queryFn: ({ signal }) => listDevices(signal) });
}
