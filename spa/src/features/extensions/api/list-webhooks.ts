import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "@/api/client";
import { allPages, pageQuery } from "@/api/pages";
import type { components } from "@/api/schema";

export type Webhook = components["schemas"]["WebhookOut"];
export type WebhookEvent = components["schemas"]["WebhookCreate"]["event_types"][number];

// Operation `webhooks:list_webhooks`.
export const webhooksQueryKey = ["webhooks"] as const;

export function listWebhooks(signal?: AbortSignal) {
  return allPages((cursor) =>
    unwrap(api.GET("/api/v1/webhooks", { params: { query: pageQuery(cursor) }, signal: signal ?? null })),
  );
}

export function useWebhooks() {
  return useQuery({ queryKey: webhooksQueryKey, queryFn: ({ signal }) => listWebhooks(signal) });
}
