import { formatDateTime } from "@/lib/format";
import { flowsText } from "./text";

/** A status message's copy for the PPF, as the flow's detail gives it. */
export interface PpfTransmissionInput {
  status: "pending" | "sent" | "error";
  via: "local" | "http" | null;
  sent_at: string | null;
  attempts: number;
  response_status: number | null;
  error: string | null;
}

export type PpfTone = "pending" | "ok" | "error";

/** The French line under a status message saying whether and when its copy reached the PPF;
 * null for a status the PPF does not receive. */
export function ppfLine(ppf: PpfTransmissionInput | null | undefined): { text: string; tone: PpfTone } | null {
  if (!ppf) return null;
  const text = flowsText.ppf;
  if (ppf.status === "sent" && ppf.sent_at) {
    const when = formatDateTime(ppf.sent_at);
    return { text: ppf.via === "local" ? text.keptLocally(when) : text.sent(when), tone: "ok" };
  }
  if (ppf.status === "error") {
    return { text: text.refused(ppf.response_status, ppf.error), tone: "error" };
  }
  if (ppf.error) return { text: text.retrying(ppf.attempts, ppf.error), tone: "pending" };
  return { text: text.queued, tone: "pending" };
}
