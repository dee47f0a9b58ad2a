import type { components } from "@/api/schema";
import { formatDateTime } from "@/lib/format";

export type MandateState = components["schemas"]["MandateState"];
export type MandateAction = "send" | "resend" | "withdraw" | "download";

const LIVE = new Set(["sent", "opened"]);
const SENDABLE = new Set(["to_send", "expired", "refused", "error"]);

/** What the firm may do from the client's mandate panel, in the order shown: what the API
 * would refuse is not offered (a signed mandate is final, a registered client needs none). */
export function mandateActions(state: Pick<MandateState, "stage" | "request">): MandateAction[] {
  const request = state.request;
  const actions: MandateAction[] = [];
  if (request && LIVE.has(state.stage)) actions.push("resend", "withdraw");
  else if (SENDABLE.has(state.stage) && request?.status !== "signed") actions.push("send");
  if (request?.sealed_document_id) actions.push("download");
  return actions;
}

const METHODS: Record<string, string> = {
  email_otp: "Code à usage unique envoyé par e-mail",
  device: "Approbation sur le téléphone enrôlé",
};

/** The signature's evidence as the panel lists it, label → value (never the raw JSON). */
export function evidenceRows(evidence: Record<string, unknown> | null | undefined): [string, string][] {
  if (!evidence) return [];
  const text = (key: string) => (typeof evidence[key] === "string" ? (evidence[key] as string) : "");
  const rows: [string, string][] = [
    ["Signataire (nom saisi)", text("signer_name")],
    ["Adresse e-mail", text("signer_email")],
    ["Signé le", text("signed_at") ? formatDateTime(text("signed_at")) : ""],
    ["Méthode", METHODS[text("method")] ?? text("method")],
    ["Adresse IP", text("ip") || "inconnue"],
    ["Navigateur", text("user_agent") || "inconnu"],
    ["Empreinte SHA-256 du mandat lu", text("document_sha256")],
    ["Version du consentement", text("consent_version")],
  ];
  if (text("device_id")) rows.push(["Téléphone", `${text("device_name")} (${text("device_id")})`]);
  return rows;
}

export type MandateBulkResult = components["schemas"]["MandateBulkResult"];

/** One client's result as the clients list shows it (its note says what happened). */
export interface MandateOutcome {
  id: string;
  ok: boolean;
  error: string | null;
  detail: string | null;
  note: string | null;
}

const OUTCOME_NOTES: Record<string, string> = {
  sent: "Mandat envoyé",
  resent: "Mandat renvoyé (nouveau lien)",
  withdrawn: "Demande retirée",
};

export function mandateOutcome(result: MandateBulkResult): MandateOutcome {
  return {
    id: result.id,
    ok: result.ok,
    error: result.error ?? null,
    detail: result.detail ?? null,
    note: result.ok ? (OUTCOME_NOTES[result.outcome] ?? null) : null,
  };
}
