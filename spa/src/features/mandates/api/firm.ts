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

// One call takes up to 5,000 clients (and sends 1,000 in about a second): a whole filter goes
// in batches, one after the other, their results joined in order.
export const MANDATE_BATCH = 1000;

// Operations `mandates:send_mandates` and `mandates:withdraw_mandates`: one result per client.
export function useBulkMandates() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ action, clientIds }: { action: "send" | "withdraw"; clientIds: string[] }) => {
      const results = [];
      for (let start = 0; start < clientIds.length; start += MANDATE_BATCH) {
        const body = { client_ids: clientIds.slice(start, start + MANDATE_BATCH) };
        const page = await unwrap(
          action === "send"
            ? api.POST("/api/v1/mandate-requests/sendings", { body })
            : api.POST("/api/v1/mandate-requests/withdrawals", { body }),
        );
        results.push(...page.results);
      }
      return { results };
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: READINESS_KEY });
      void queryClient.invalidateQueries({ queryKey: ["mandate-request"] });
    },
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

// Operations `mandates:get_mandate_request`, `…send_mandate`, `…withdraw_mandate`,
// `…download_sealed_mandate`: one client's mandate, from its file.
const mandateKey = (clientId: string) => ["mandate-request", clientId];

export function useMandateState(clientId: string) {
  return useQuery({
    queryKey: mandateKey(clientId),
    queryFn: () =>
      unwrap(api.GET("/api/v1/clients/{client_id}/mandate-request", { params: { path: { client_id: clientId } } })),
  });
}

export function useMandateAction(clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: "send" | "withdraw") =>
      unwrap(
        action === "send"
          ? api.POST("/api/v1/clients/{client_id}/mandate-request", {
              params: { path: { client_id: clientId } },
              body: {},
            })
          : api.POST("/api/v1/clients/{client_id}/mandate-request/withdrawal", {
              params: { path: { client_id: clientId } },
            }),
      ),
    onSuccess: (state) => {
      queryClient.setQueryData(mandateKey(clientId), state);
      void queryClient.invalidateQueries({ queryKey: READINESS_KEY });
    },
  });
}

export function downloadSealedMandate(clientId: string): Promise<Blob> {
  return unwrap(
    api.GET("/api/v1/clients/{client_id}/mandate-request/sealed.pdf", {
      params: { path: { client_id: clientId } },
      parseAs: "blob",
    }),
  );
}

export type ClientReadiness = components["schemas"]["ReadinessClient"];
export type ReadinessInput = components["schemas"]["ReadinessIn"];
const clientReadinessKey = (clientId: string) => ["client-readiness", clientId];

// Operations `mandates:get_client_readiness` and `mandates:update_readiness`: the client's
// company category (SIRENE's unless the firm corrected it), VAT regime and obligations.
export function useClientReadiness(clientId: string) {
  return useQuery({
    queryKey: clientReadinessKey(clientId),
    queryFn: () =>
      unwrap(api.GET("/api/v1/clients/{client_id}/readiness", { params: { path: { client_id: clientId } } })),
  });
}

export function useUpdateReadiness(clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ReadinessInput) =>
      unwrap(api.PATCH("/api/v1/clients/{client_id}/readiness", { params: { path: { client_id: clientId } }, body })),
    onSuccess: (readiness) => {
      queryClient.setQueryData(clientReadinessKey(clientId), readiness);
      void queryClient.invalidateQueries({ queryKey: READINESS_KEY });
    },
  });
}
