import { useQueryClient } from "@tanstack/react-query";
import { useMutation } from "@/lib/mutation";
import { api, unwrap } from "@/api/client";
import type { components } from "@/api/schema";
import { webhooksQueryKey } from "./list-webhooks";

// Operation `webhooks:update_webhook`; the screen uses it to pause and resume a receiver.
export function updateWebhook({ webhookId, changes }: { webhookId: string; changes: components["schemas"]["WebhookUpdate"] }) {
  return unwrap(
    api.PATCH("/api/v1/webhooks/{webhook_id}", { params: { path: { webhook_id: webhookId } }, body: changes }),
  );
}

export function useUpdateWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateWebhook,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhooksQueryKey }),
  });
}
