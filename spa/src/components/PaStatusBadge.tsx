import type { components } from "@/api/schema";
import { componentsText } from "./text";

type PaStatus = components["schemas"]["PaStatus"];

// Colour is paired with the word (WCAG 1.4.1); each tone keeps 4.5:1 on its background.
const PA_TONES: Record<PaStatus, string> = {
  not_registered: "neutral",
  pending: "pending",
  registered: "success",
  error: "danger",
  deregistered: "neutral",
};

/** A client's « Désignation PA », shown by the clients list, the client's file and its e-invoicing tab. */
export function PaStatusBadge({ status }: { status: PaStatus }) {
  return (
    <span className={`tag tag--${PA_TONES[status]}`} data-pa-status={status}>
      {componentsText.paStatus[status]}
    </span>
  );
}
