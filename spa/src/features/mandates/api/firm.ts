import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type FirmReadiness = components["schemas"]["FirmReadiness"];
export type MandateStage = components["schemas"]["MandateStage"];
export type SealCheck = components["schemas"]["SealCheckOut"];

const READINESS_KEY = ["readiness"];

// Operation `mandates:get_readiness`.
export function useReadiness() {
  return useQuery({ queryKey: READINESS_KEY, queryFn: () => unwrap(api.GET("/api/v1/readiness")) });
}

export function downloadReadiness(): Promise<Blob> {
  return unwrap(api.GET("/api/v1/readiness.xlsx", { parseAs: "blob" }));
}

// Operations `mandates:send_mandates` and `mandates:withdraw_mandates`: one result per client.
export function useBulkMandates() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, clientIds }: { action: "send" | "withdraw"; clientIds: string[] }) =>
      unwrap(
        action === "send"
          ? api.POST("/api/v1/mandate-requests/sendings", { body: { client_ids: clientIds } })
          : api.POST("/api/v1/mandate-requests/withdrawals", { body: { client_ids: clientIds } }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: READINESS_KEY }),
  });
}

export function useSeal() {
  return useQuery({ queryKey: ["mandate-seal"], queryFn: () => unwrap(api.GET("/api/v1/mandates/seal")) });
}

export function useSealCheck() {
  return useMutation({
    mutationFn: (file: File) =>
      unwrap(
        api.POST("/api/v1/mandates/seal-checks", {
          body: file as unknown as string,
          bodySerializer: (body: unknown) => body as BodyInit,
          headers: { "Content-Type": "application/pdf" },
        }),
      ),
  });
}
