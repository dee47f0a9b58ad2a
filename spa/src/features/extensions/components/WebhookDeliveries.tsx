import { DataTable } from "@/components/DataTable";
import { ProblemMessage } from "@/components/ProblemMessage";
import { StatusIndicator, type Status } from "@/components/StatusIndicator";
import { formatDateTime } from "@/lib/format";
import { ApiProblem } from "@/lib/problem";
import { useWebhookDeliveries } from "../api/list-webhook-deliveries";
import type { Webhook, WebhookEvent } from "../api/list-webhooks";
import { useRedeliverWebhook } from "../api/redeliver-webhook";
import { extensionsText } from "../text";

const text = extensionsText.deliveries;
const STATUS_INDICATOR: Record<string, Status> = { succeeded: "up", failed: "down", pending: "pending" };

/** The delivery log of one receiver: every event, its HTTP codes, and « Renvoyer ». */
export function WebhookDeliveries({ webhook, onNotice }: { webhook: Webhook; onNotice: (message: string) => void }) {
  const deliveries = useWebhookDeliveries(webhook.id);
  const redeliver = useRedeliverWebhook();
  const eventName = (event: string) => extensionsText.eventNames[event as WebhookEvent] ?? event;

  return (
    <div className="deliveries">
      <h3 className="visually-hidden">{text.heading(webhook.url)}</h3>
      {deliveries.isPending && <p>{extensionsText.loading}</p>}
      {deliveries.error instanceof ApiProblem && <ProblemMessage problem={deliveries.error} />}
      {redeliver.error instanceof ApiProblem && <ProblemMessage problem={redeliver.error} />}
      {deliveries.data?.length === 0 && <p className="empty">{text.empty}</p>}
      {deliveries.data && deliveries.data.length > 0 && (
        <DataTable
          caption={text.heading(webhook.url)}
          columns={[text.event, text.date, text.status, text.attempts, text.lastCode, { label: extensionsText.actions, kind: "actions" }]}
        >
          {deliveries.data.map((delivery) => (
            <tr key={delivery.id}>
              <td>
                {eventName(delivery.event_type)}
                <span className="muted cell__note">
                  <code>{delivery.event_id}</code>
                </span>
              </td>
              <td>{formatDateTime(delivery.created_at)}</td>
              <td>
                <StatusIndicator
                  status={STATUS_INDICATOR[delivery.status] ?? "pending"}
                  label={text.statuses[delivery.status] ?? delivery.status}
                />
              </td>
              <td>
                {delivery.attempts}
                {delivery.log.length > 0 && (
                  <details className="attempts">
                    <summary>{text.attemptsDetail}</summary>
                    <ol>
                      {delivery.log.map((attempt) => (
                        <li key={attempt.attempted_at}>
                          {text.attempt(
                            formatDateTime(attempt.attempted_at),
                            attempt.status_code === null ? (attempt.error ?? text.noCode) : `HTTP ${attempt.status_code}`,
                            attempt.duration_ms,
                          )}
                        </li>
                      ))}
                    </ol>
                  </details>
                )}
              </td>
              <td>
                {delivery.last_status_code ?? (delivery.attempts > 0 ? text.noCode : extensionsText.none)}
                {delivery.last_error && <span className="muted cell__note">{delivery.last_error}</span>}
              </td>
              <td>
                <button
                  type="button"
                  className="button button--small"
                  aria-label={text.redeliverLabel(eventName(delivery.event_type), formatDateTime(delivery.created_at))}
                  disabled={redeliver.isPending}
                  onClick={() =>
                    redeliver.mutate(
                      { webhookId: webhook.id, deliveryId: delivery.id },
                      { onSuccess: () => onNotice(extensionsText.webhooks.notices.redelivered) },
                    )
                  }
                >
                  {text.redeliver}
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
