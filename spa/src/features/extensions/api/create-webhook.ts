import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { webhooksQueryKey } from "./list-webhooks";

export type NewWebhook = components["schemas"]["WebhookCreate"];
export type WebhookWithSecret = components["schemas"]["WebhookWithSecret"];

// Operation `webhooks:create_webhook`: the signing secret is in this answer only.
export function createWebhook(webhook: NewWebhook) {
  return unwrap(api.POST("/api/v1/webhooks", { body: webhook }));
}

export function useCreateWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createWebhook,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhooksQueryKey }),
  });
}
