import { flowsText } from "./text";

export interface FlowStatusInput {
  ack_status: string;
  lifecycle_status: number | null;
}

export type FlowTone = "pending" | "ok" | "error";

/** What the badge says: the lifecycle status when there is one (« Déposée », « Rejetée »),
 * else the acknowledgement (being checked, accepted, refused). */
export function flowStatus(flow: FlowStatusInput): { label: string; tone: FlowTone } {
  if (flow.lifecycle_status === 200) return { label: flowsText.statuses[200], tone: "ok" };
  if (flow.lifecycle_status === 213) return { label: flowsText.statuses[213], tone: "error" };
  if (flow.ack_status === "Pending") return { label: flowsText.statuses.pending, tone: "pending" };
  if (flow.ack_status === "Error") return { label: flowsText.statuses.error, tone: "error" };
  return { label: flowsText.statuses.ok, tone: "ok" };
}
