import { describe, expect, it } from "vitest";
import { evidenceRows, mandateActions, mandateOutcome, type MandateState } from "./panel";

const request = (status: string, sealed: string | null = null) =>
  ({ status, sealed_document_id: sealed }) as unknown as MandateState["request"];

describe("the client's mandate panel", () => {
  it("offers what the API accepts at each stage of the funnel", () => {
    expect(mandateActions({ stage: "to_send", request: null })).toEqual(["send"]);
    expect(mandateActions({ stage: "sent", request: request("sent") })).toEqual(["resend", "withdraw"]);
    expect(mandateActions({ stage: "opened", request: request("opened") })).toEqual(["resend", "withdraw"]);
    expect(mandateActions({ stage: "expired", request: request("sent") })).toEqual(["send"]);
    expect(mandateActions({ stage: "refused", request: request("refused") })).toEqual(["send"]);
    expect(mandateActions({ stage: "signed", request: request("signed", "doc-1") })).toEqual(["download"]);
    expect(mandateActions({ stage: "registered", request: request("signed", "doc-1") })).toEqual(["download"]);
    // A directory error after a signature: the mandate is final, only its download remains.
    expect(mandateActions({ stage: "error", request: request("signed", "doc-1") })).toEqual(["download"]);
    // Registered on paper: nothing to send, nothing to download.
    expect(mandateActions({ stage: "registered", request: null })).toEqual([]);
  });

  it("lists the evidence in words, with the phone when it approved", () => {
    const rows = evidenceRows({
      signer_name: "Élodie Chevalier",
      signer_email: "representant@garage.example.fr",
      signed_at: "2026-12-07T14:05:00+00:00",
      method: "device",
      ip: "203.0.113.7",
      user_agent: "Mozilla/5.0",
      document_sha256: "ab".repeat(32),
      consent_version: "2026-12-07-telephone",
      device_id: "d-1",
      device_name: "iPhone",
    });
    const byLabel = Object.fromEntries(rows);
    expect(byLabel["Signataire (nom saisi)"]).toBe("Élodie Chevalier");
    expect(byLabel["Méthode"]).toBe("Approbation sur le téléphone enrôlé");
    expect(byLabel["Téléphone"]).toBe("iPhone (d-1)");
    expect(byLabel["Signé le"]).toMatch(/2026/);
    expect(evidenceRows(null)).toEqual([]);
    expect(Object.fromEntries(evidenceRows({ method: "email_otp" }))["Téléphone"]).toBeUndefined();
  });
});

describe("a bulk sending's results on the clients list", () => {
  it("notes what happened to each client, and keeps the API's refusal in words", () => {
    expect(mandateOutcome({ id: "a", ok: true, outcome: "resent" }).note).toBe("Mandat renvoyé (nouveau lien)");
    const refused = mandateOutcome({
      id: "b",
      ok: false,
      outcome: "already_signed",
      error: "already_signed",
      detail: "Le mandat de ce client est déjà signé.",
    });
    expect(refused).toEqual({
      id: "b",
      ok: false,
      error: "already_signed",
      detail: "Le mandat de ce client est déjà signé.",
      note: null,
    });
  });
});
