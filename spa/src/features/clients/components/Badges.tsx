import type { components } from "@/api/schema";
import { clientsText } from "../text";

type ClientStatus = components["schemas"]["ClientStatus"];
type InvitationStatus = components["schemas"]["InvitationStatus"];

// Colour is paired with the word (WCAG 1.4.1); each tone keeps 4.5:1 on its background.
const TONES: Record<string, string> = { to_invite: "neutral", sent: "pending", expired: "danger", active: "success" };

/**
 * A client not yet active is « À inviter » until an invitation leaves, then « Invitation
 * envoyée » (or « Invitation expirée »): « Invité » before any invitation misled firms.
 */
export function clientStage(status: ClientStatus, invitation: InvitationStatus): keyof typeof clientsText.clientStage {
  if (status === "active") return "active";
  if (invitation === "sent") return "sent";
  if (invitation === "expired") return "expired";
  return "to_invite";
}

export function ClientStatusBadge({ status, invitation }: { status: ClientStatus; invitation: InvitationStatus }) {
  const stage = clientStage(status, invitation);
  return (
    <span className={`tag tag--${TONES[stage] ?? "neutral"}`} data-status={status} data-stage={stage}>
      {clientsText.clientStage[stage]}
    </span>
  );
}
