import { flowsText } from "./text";

export interface FlowStatusInput {
  ack_status: string;
  lifecycle_status: number | null;
}

export type FlowTone = "pending" | "ok" | "error";

// Statuses that end an invoice's road badly: refused by the buyer, rejected by the rules,
// cancelled, or with no way to its buyer.
const ERROR_STATUSES = new Set([210, 213, 220, 221]);

/** What the badge says: the lifecycle status when there is one, named by the API's catalogue
 * (`labels`: « Déposée », « Rejetée », « Erreur de routage »…; its code until it arrives), else
 * the acknowledgement (being checked, accepted, refused). */
export function flowStatus(
  flow: FlowStatusInput,
  labels: ReadonlyMap<number, string> | undefined,
): { label: string; tone: FlowTone } {
  if (flow.lifecycle_status !== null) {
    const label = labels?.get(flow.lifecycle_status) ?? flowsText.unknownStatus(flow.lifecycle_status);
    return { label, tone: ERROR_STATUSES.has(flow.lifecycle_status) ? "error" : "ok" };
  }
  if (flow.ack_status === "Pending") return { label: flowsText.statuses.pending, tone: "pending" };
  if (flow.ack_status === "Error") return { label: flowsText.statuses.error, tone: "error" };
  return { label: flowsText.statuses.ok, tone: "ok" };
}
