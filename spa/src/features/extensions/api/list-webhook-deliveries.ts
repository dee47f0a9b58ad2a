import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";

export type WebhookDelivery = components["schemas"]["DeliveryOut"];

// Operation `webhooks:list_webhook_deliveries`: each event, its status and every attempt.
export const deliveriesQueryKey = (webhookId: string) => ["webhooks", webhookId, "deliveries"] as const;
const DELIVERIES_LIMIT = 50;

export function listWebhookDeliveries(webhookId: string, signal?: AbortSignal) {
  return unwrap(
    api.GET("/api/v1/webhooks/{webhook_id}/deliveries", {
      params: { path: { webhook_id: webhookId }, query: { limit: DELIVERIES_LIMIT } },
      signal: signal ?? null,
    }),
  ).then((page) => page.items); // the first page: the newest events
}

export function useWebhookDeliveries(webhookId: string) {
  return useQuery({
    queryKey: deliveriesQueryKey(webhookId),
    queryFn: ({ signal }) => listWebhookDeliveries(webhookId, signal),
  });
}
