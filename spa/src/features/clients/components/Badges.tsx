import { clientsText } from "../text";

// Colour is paired with the word (WCAG 1.4.1); each tone keeps 4.5:1 on its background.
const CLIENT_TONES: Record<string, string> = { invited: "pending", active: "success" };
const PA_TONES: Record<string, string> = {
  not_registered: "neutral",
  pending: "pending",
  registered: "success",
  error: "danger",
  deregistered: "neutral",
};

export function ClientStatusBadge({ status }: { status: string }) {
  return (
    <span className={`tag tag--${CLIENT_TONES[status] ?? "neutral"}`} data-status={status}>
      {clientsText.clientStatus[status] ?? status}
    </span>
  );
}

export function PaStatusBadge({ status }: { status: string }) {
  return (
    <span className={`tag tag--${PA_TONES[status] ?? "neutral"}`} data-pa-status={status}>
      {clientsText.paStatus[status] ?? status}
    </span>
  );
}
