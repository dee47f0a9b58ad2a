import { describe, expect, it } from "vitest";
import { ppfLine, type PpfTransmissionInput } from "./ppf";

const base: PpfTransmissionInput = {
  status: "pending",
  via: null,
  sent_at: null,
  attempts: 0,
  response_status: null,
  error: null,
};

describe("ppfLine", () => {
  it("says nothing for a status the PPF does not receive", () => {
    expect(ppfLine(null)).toBeNull();
    expect(ppfLine(undefined)).toBeNull();
  });

  it("says when the copy reached the PPF, in Paris time", () => {
    const line = ppfLine({ ...base, status: "sent", via: "http", sent_at: "2026-12-07T14:30:00Z", attempts: 2 });
    expect(line).toEqual({ text: "Transmis au PPF le 07/12/2026 15:30.", tone: "ok" });
  });

  it("does not claim the PPF has a copy only kept here", () => {
    const line = ppfLine({ ...base, status: "sent", via: "local", sent_at: "2026-12-07T14:30:00Z" });
    expect(line?.text).toBe(
      "Copie pour le PPF conservée dans Comptoir le 07/12/2026 15:30 (aucun envoi au PPF n'est configuré).",
    );
    expect(line?.text).not.toContain("Transmis");
  });

  it("shows the PPF's refusal with its answer", () => {
    const line = ppfLine({ ...base, status: "error", response_status: 422, error: '{"errorCode":"CDV_INVALIDE"}' });
    expect(line).toEqual({ text: 'Refusé par le PPF (HTTP 422) : {"errorCode":"CDV_INVALIDE"}', tone: "error" });
  });

  it("tells a queued copy from one being retried after an outage", () => {
    expect(ppfLine(base)).toEqual({ text: "Transmission au PPF en attente.", tone: "pending" });
    expect(ppfLine({ ...base, attempts: 1, error: "PPF injoignable (ConnectError)." })?.text).toBe(
      "Pas encore transmis au PPF (1 essai, nouvel essai prévu) : PPF injoignable (ConnectError).",
    );
    expect(ppfLine({ ...base, attempts: 3, error: "Le PPF n'a pas répondu à temps." })?.text).toContain("3 essais");
  });
});
