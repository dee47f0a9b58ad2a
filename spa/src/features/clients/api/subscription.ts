import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { clientQueryKey } from "./get-client";
import { clientsQueryKey } from "@/api/query-keys";

export type SubscriptionIn = components["schemas"]["SubscriptionIn"];
export type SubscriptionWithHistory = components["schemas"]["SubscriptionWithHistory"];

const subscriptionQueryKey = (clientId: string) => [...clientQueryKey(clientId), "subscription"] as const;

// Operation `clients:get_subscription`: the current one and the change history, newest first.
export function getSubscription(clientId: string, signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/clients/{client_id}/subscription", {
      params: { path: { client_id: clientId } },
      signal: signal ?? null,
    }),
  );
}

export function useSubscription(clientId: string) {
  return useQuery({
    queryKey: subscriptionQueryKey(clientId),
    queryFn: ({ signal }) => getSubscription(clientId, signal),
  });
}

// Operation `clients:set_subscription` (kept in the history).
export function setSubscription({ clientId, body }: { clientId: string; body: SubscriptionIn }) {
  return unwrap(
    api.PUT("/api/v1/clients/{client_id}/subscription", {
      params: { path: { client_id: clientId } },
      body,
    }),
  );
}

export function useSetSubscription() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setSubscription,
    onSuccess: (_data, { clientId }) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: clientQueryKey(clientId) }),
        queryClient.invalidateQueries({ queryKey: [...clientsQueryKey, "list"] }),
      ]),
  });
}
