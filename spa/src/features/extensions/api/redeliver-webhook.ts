import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import { deliveriesQueryKey } from "./list-webhook-deliveries";

// Operation `webhooks:redeliver_webhook`: the same event (same `webhook-id`) queued again.
export function redeliverWebhook({ webhookId, deliveryId }: { webhookId: string; deliveryId: string }) {
  return unwrap(
    api.POST("/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver", {
      params: { path: { webhook_id: webhookId, delivery_id: deliveryId } },
    }),
  );
}

export function useRedeliverWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: redeliverWebhook,
    onSuccess: (_delivery, { webhookId }) =>
      queryClient.invalidateQueries({ queryKey: deliveriesQueryKey(webhookId) }),
  });
}
